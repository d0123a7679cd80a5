// A datapath's Multicast_Group rows with the groups snooping learned (igmp-groups.ts) added: apart from
// igmp-groups.ts, which the flow builders read, so that the bindings (which read the flow builders' group
// memberships) and the learned groups import no cycle.
import type { MulticastGroupOut } from './bindings.js';
import type { LearnedGroup } from './igmp-groups.js';
import { MC_KEYS } from './keys.js';

/**
 * A datapath's Multicast_Group rows with the learned ones: the groups, and the mrouter ports joining
 * `_MC_mrouter_flood` (which the learned ports alone may create).
 */
export function withLearnedGroups(
  dp: string,
  own: readonly MulticastGroupOut[],
  learned: readonly LearnedGroup[],
  mrouters: readonly string[] | undefined,
): MulticastGroupOut[] {
  const out = [...own];
  if (mrouters?.length) {
    const i = out.findIndex((m) => m.name === '_MC_mrouter_flood');
    const base = i < 0 ? [] : out[i]!.ports;
    const ports = [...new Set([...base, ...mrouters])].sort();
    const row = { datapath: dp, name: '_MC_mrouter_flood', tunnelKey: MC_KEYS._MC_mrouter_flood, ports };
    if (i < 0) out.push(row);
    else out[i] = row;
  }
  for (const g of learned) out.push({ datapath: dp, name: g.name, tunnelKey: g.tunnelKey, ports: g.ports });
  return out;
}
