// Groups and meters as `ovs-ofctl -O OpenFlow15 dump-groups` / `dump-meters` print them.
import type { Group, Meter } from '../model/flow.js';
import { formatActions } from './format-actions.js';
import { formatPort } from './values.js';

export function formatGroup(g: Group): string {
  let s = `group_id=${g.groupId},type=${g.type}`;
  if (g.selectionMethod) {
    s += `,selection_method=${g.selectionMethod}`;
    if (g.selectionMethodParam) s += `,selection_method_param=${g.selectionMethodParam}`;
    const f = g.fields ?? [];
    if (f.length === 1) s += `,fields=${f[0]}`;
    else if (f.length > 1) s += `,fields(${f.join(',')})`;
  }
  const defaultWeight = g.type === 'select' ? 1 : 0;
  const buckets = g.buckets.map((b, i) => {
    let t = `bucket=bucket_id:${b.bucketId ?? i},`;
    if ((b.weight ?? defaultWeight) !== defaultWeight) t += `weight:${b.weight},`;
    if (b.watchPort !== undefined && b.watchPort !== 0xffffffff) t += `watch_port:${formatPort(b.watchPort)},`;
    if (b.watchGroup !== undefined && b.watchGroup !== 0xffffffff) t += `watch_group:${b.watchGroup},`;
    return t + `actions=${formatActions(b.actions)}`;
  });
  return buckets.length ? `${s},${buckets.join(',')}` : s;
}

/** The meter's lines joined by "\n" (dump-meters prints the bands on their own lines). */
export function formatMeter(m: Meter): string {
  const order = ['kbps', 'pktps', 'burst', 'stats'] as const;
  const flags = order.filter((f) => m.flags.includes(f));
  // burst_size only means something (and is only printed) with the burst flag.
  const burst = m.flags.includes('burst');
  const bands = m.bands.map(
    (b) => `type=${b.type} rate=${b.rate}${burst && b.burstSize ? ` burst_size=${b.burstSize}` : ''}`,
  );
  return [`meter=${m.meterId} ${flags.join(' ')} bands=`, ...bands].join('\n');
}
