// BFD sessions, as ovn-northd 23.03 keeps them: one SB BFD row per NB BFD row (by logical port and
// destination IP), with a UDP source port unique among the SB's sessions (the lowest free one from
// 49152) and a random discriminator chosen once; timers from the NB row or the defaults. The status is
// shared: an NB session no route uses is `admin_down`; one a route uses leaves `admin_down` for `down`;
// from then on, ovn-controller's state in the SB (down/init/up) is copied to the NB. Where either side
// is `admin_down`, the NB's status is written to the SB. ovn-northd reaches this over a few rounds (each
// write starting the next); here the end state is written at once.
import type { Uuid } from 'ovsdb-client-ts';
import type { BFD as NbBfd } from '@ovnts/schema/nb';
import type { BFD as SbBfd } from '@ovnts/schema/sb';

type Row = Record<string, unknown>;
export type BfdStatus = NonNullable<NbBfd['status']>;

const DEFAULT_MIN_TX = 1000;
const DEFAULT_MIN_RX = 1000;
const DEFAULT_DETECT_MULT = 5;
const SRC_PORT_FIRST = 49152;
/** ovn-northd's bitmap covers 49152..65534. */
const SRC_PORT_COUNT = 65535 - SRC_PORT_FIRST;

/** The NB sessions and which of them a static route uses (by NB UUID). */
export interface BfdInput {
  readonly sessions: readonly NbBfd[];
  readonly referenced: ReadonlySet<string>;
}

const key = (logicalPort: string, dstIp: string) => `${logicalPort}\u0000${dstIp}`;

/** SB rows by session key (the first of duplicates) and the duplicates. */
function sbIndex(rows: Iterable<SbBfd>): { byKey: Map<string, SbBfd>; extra: SbBfd[] } {
  const byKey = new Map<string, SbBfd>();
  const extra: SbBfd[] = [];
  for (const r of rows) {
    const k = key(r.logical_port, r.dst_ip);
    if (byKey.has(k)) extra.push(r);
    else byKey.set(k, r);
  }
  return { byKey, extra };
}

/** The status both sides should have, given the NB row, whether a route uses it, and the SB row. */
export function bfdStatus(nb: NbBfd, referenced: boolean, sb: SbBfd | undefined): BfdStatus {
  let status: BfdStatus = nb.status ?? 'admin_down';
  if (!referenced) status = 'admin_down';
  else if (status === 'admin_down') status = 'down';
  if (sb && sb.status !== status && status !== 'admin_down' && sb.status !== 'admin_down') status = sb.status;
  return status;
}

/** NB BFD.status updates due (northd writes the status of its sessions back). */
export function bfdNbUpdates(input: BfdInput, sbRows: Iterable<SbBfd>): { uuid: NbBfd['_uuid']; status: BfdStatus }[] {
  const { byKey } = sbIndex(sbRows);
  const out: { uuid: NbBfd['_uuid']; status: BfdStatus }[] = [];
  for (const nb of input.sessions) {
    const status = bfdStatus(nb, input.referenced.has(nb._uuid), byKey.get(key(nb.logical_port, nb.dst_ip)));
    if (nb.status !== status) out.push({ uuid: nb._uuid, status });
  }
  return out;
}

export interface BfdOps {
  ins(table: 'BFD', row: Row): unknown;
  upd(table: 'BFD', uuid: Uuid, current: object, row: Row): void;
  del(table: 'BFD', uuid: Uuid): void;
}

/** Write the SB BFD rows: insert new sessions, update timers and status, delete the others. */
export function syncBfdRows(input: BfdInput, sbRows: Iterable<SbBfd>, ops: BfdOps, random = Math.random): void {
  const all = [...sbRows];
  const { byKey, extra } = sbIndex(all);
  const used = new Set(all.map((r) => r.src_port));
  let next = SRC_PORT_FIRST;
  const freePort = (): number | undefined => {
    while (next < SRC_PORT_FIRST + SRC_PORT_COUNT && used.has(next)) next++;
    if (next >= SRC_PORT_FIRST + SRC_PORT_COUNT) return undefined;
    used.add(next);
    return next;
  };
  for (const nb of input.sessions) {
    const k = key(nb.logical_port, nb.dst_ip);
    const cur = byKey.get(k);
    byKey.delete(k);
    const row: Row = {
      logical_port: nb.logical_port,
      dst_ip: nb.dst_ip,
      status: bfdStatus(nb, input.referenced.has(nb._uuid), cur),
      min_tx: nb.min_tx ?? DEFAULT_MIN_TX,
      min_rx: nb.min_rx ?? DEFAULT_MIN_RX,
      detect_mult: nb.detect_mult ?? DEFAULT_DETECT_MULT,
    };
    if (cur) {
      ops.upd('BFD', cur._uuid as Uuid, cur, row);
      continue;
    }
    const port = freePort();
    if (port === undefined) continue; // every source port in use: ovn-northd skips the session too
    ops.ins('BFD', { ...row, src_port: port, disc: 1 + Math.floor(random() * 0xffffffff) });
  }
  for (const r of [...byKey.values(), ...extra]) ops.del('BFD', r._uuid as Uuid);
}
