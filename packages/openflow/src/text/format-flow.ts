import type { Flow } from '../model/flow.js';
import { formatActions } from './format-actions.js';
import { formatMatch } from './format-match.js';

/**
 * One flow as `ovs-ofctl --no-stats -O OpenFlow15 dump-flows` prints it (without the leading space):
 * `cookie=0x5, table=3, idle_timeout=10, send_flow_rem priority=100,ip,reg0=0x5 actions=…`.
 */
export function formatFlow(flow: Flow): string {
  let s = '';
  if (flow.cookie) s += `cookie=0x${flow.cookie.toString(16)}, `;
  if (flow.table) s += `table=${flow.table}, `;
  if (flow.idleTimeout) s += `idle_timeout=${flow.idleTimeout}, `;
  if (flow.hardTimeout) s += `hard_timeout=${flow.hardTimeout}, `;
  if (flow.flags?.length) {
    const order = ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts'] as const;
    for (const f of order) if (flow.flags.includes(f)) s += `${f} `;
  }
  if (flow.importance) s += `importance=${flow.importance}, `;
  const m = formatMatch(flow.match, flow.priority);
  if (m) s += m + ' ';
  return s + 'actions=' + formatActions(flow.actions);
}
