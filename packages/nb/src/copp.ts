// Control plane protection: per-protocol meters for packets punted to ovn-controller.
import { NbError } from './errors.js';
import { KINDS, lookup, type Kind } from './lookup.js';
import type { Added, NbStore, Row } from './store.js';

export const COPP_PROTOCOLS = [
  'arp',
  'arp-resolve',
  'dhcpv4-opts',
  'dhcpv6-opts',
  'dns',
  'event-elb',
  'icmp4-error',
  'icmp6-error',
  'igmp',
  'nd-na',
  'nd-ns',
  'nd-ns-resolve',
  'nd-ra-opts',
  'tcp-reset',
  'bfd',
  'reject',
  'svc-monitor',
] as const;

const COPP: Kind = { table: 'Copp', noun: 'copp' };

function checkProto(proto: string): void {
  if (!(COPP_PROTOCOLS as readonly string[]).includes(proto)) {
    throw new NbError(`Invalid control protocol. Allowed values: ${COPP_PROTOCOLS.join(', ')}.`);
  }
}

export function findCopp(s: NbStore, id: string, mustExist: boolean): Row | undefined {
  return lookup(s, COPP, id, mustExist);
}

/** Set the meter of one protocol in the named (or UUID-given) Copp row, creating it if needed. */
export function addCoppMeter(s: NbStore, id: string, proto: string, meter: string): Added<'Copp'> {
  checkProto(proto);
  const isUuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id);
  let copp = findCopp(s, id, isUuid);
  const created = !copp;
  copp ??= s.insert('Copp', {});
  s.set('Copp', copp, 'meters', { ...(copp['meters'] as Record<string, string>), [proto]: meter });
  if (!isUuid) s.set('Copp', copp, 'name', id);
  return { row: s.typed('Copp', copp), created };
}

/** Remove one protocol's meter (the row goes when it has none left), or the whole row. */
export function deleteCopp(s: NbStore, id: string, proto?: string): void {
  if (proto !== undefined) checkProto(proto);
  const copp = findCopp(s, id, false);
  if (!copp) return;
  if (proto === undefined) {
    s.delete('Copp', copp);
    return;
  }
  const meters = { ...(copp['meters'] as Record<string, string>) };
  if (meters[proto] !== undefined) {
    delete meters[proto];
    s.set('Copp', copp, 'meters', meters);
  }
  if (Object.keys(meters).length === 0) s.delete('Copp', copp);
}

/** Apply a Copp row to a switch or router. */
export function setCopp(s: NbStore, owner: 'switch' | 'router', ownerId: string, coppId: string): void {
  const kind = owner === 'switch' ? KINDS.switch : KINDS.router;
  const row = lookup(s, kind, ownerId, true)!;
  const copp = findCopp(s, coppId, true)!;
  s.set(kind.table, row, 'copp', copp._uuid);
}
