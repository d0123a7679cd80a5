// Control plane protection: per-protocol meters for packets punted to ovn-controller.
import { NbError } from './errors.js';
import { KINDS, isUuid, lookup, type Kind } from './lookup.js';
import type { Added, NbRow, NbStore } from './store.js';

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

const COPP: Kind<'Copp'> = { table: 'Copp', noun: 'copp' };

export type CoppProtocol = (typeof COPP_PROTOCOLS)[number];

/** A control protocol as ovn-nbctl's copp-add/copp-del take it. */
export function parseCoppProtocol(proto: string): CoppProtocol {
  const p = COPP_PROTOCOLS.find((x) => x === proto);
  if (p === undefined) throw new NbError(`Invalid control protocol. Allowed values: ${COPP_PROTOCOLS.join(', ')}.`);
  return p;
}

export function findCopp(s: NbStore, id: string, mustExist: true): NbRow<'Copp'>;
export function findCopp(s: NbStore, id: string, mustExist: boolean): NbRow<'Copp'> | undefined;
export function findCopp(s: NbStore, id: string, mustExist: boolean): NbRow<'Copp'> | undefined {
  return lookup(s, COPP, id, mustExist);
}

/** Set the meter of one protocol in the named (or UUID-given) Copp row, creating it if needed. */
export function addCoppMeter(s: NbStore, id: string, proto: CoppProtocol, meter: string): Added<'Copp'> {
  parseCoppProtocol(proto);
  const byUuid = isUuid(id);
  const existing = findCopp(s, id, byUuid);
  const copp = existing ?? s.insert('Copp', {});
  s.set('Copp', copp, 'meters', { ...copp.meters, [proto]: meter });
  if (!byUuid) s.set('Copp', copp, 'name', id);
  return { row: copp, created: !existing };
}

/** Remove one protocol's meter (the row goes when it has none left), or the whole row. */
export function deleteCopp(s: NbStore, id: string, proto?: CoppProtocol): void {
  if (proto !== undefined) parseCoppProtocol(proto);
  const copp = findCopp(s, id, false);
  if (!copp) return;
  if (proto === undefined) {
    s.delete('Copp', copp);
    return;
  }
  const meters = { ...copp.meters };
  if (meters[proto] !== undefined) {
    delete meters[proto];
    s.set('Copp', copp, 'meters', meters);
  }
  if (Object.keys(meters).length === 0) s.delete('Copp', copp);
}

/** Apply a Copp row to a switch or router. */
export function setCopp(s: NbStore, owner: 'switch' | 'router', ownerId: string, coppId: string): void {
  if (owner === 'switch') {
    const ls = lookup(s, KINDS.switch, ownerId, true);
    s.set('Logical_Switch', ls, 'copp', findCopp(s, coppId, true)._uuid);
  } else {
    const lr = lookup(s, KINDS.router, ownerId, true);
    s.set('Logical_Router', lr, 'copp', findCopp(s, coppId, true)._uuid);
  }
}
