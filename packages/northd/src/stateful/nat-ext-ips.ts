// allowed_ext_ips / exempted_ext_ips on a NAT rule, as ovn-northd 23.03 applies them: an allowed set
// narrows the rule's DNAT (by source) and SNAT (by destination) flows to the set's addresses; an exempted
// set leaves the rule's flows as they are and adds, 2 priorities above, a flow that skips NAT for it.
import type { StageName } from '../stages.js';
import type { NatEntry } from './nat-types.js';

type Add = (st: StageName, prio: number, match: string, actions: string) => void;

/**
 * `match` narrowed to the allowed set, or `match` unchanged with the exemption flow added at
 * `prio + 2` of `st` (the stage and priority of the rule's own flow).
 */
export function withExtIps(
  e: NatEntry,
  match: string,
  field: 'src' | 'dst',
  st: StageName,
  prio: number,
  add: Add,
): string {
  if (!e.extIps) return match;
  const cond = ` && ip${e.family}.${field} == $${e.extIps.set}`;
  if (e.extIps.kind === 'allowed') return match + cond;
  add(st, prio + 2, match + cond, 'next;');
  return match;
}
