// Small helpers the engine nodes share: set-valued indexes, typed column comparison, unit ids.
import { BoundedMemo } from '../../bounded-memo.js';

/** Set-valued index helpers. */
export function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}
export function delFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (!s.size) m.delete(k);
}

/** The columns whose values differ between two versions of a row (the replica keeps unchanged values). */
export function changedColumns<T extends object>(o: T, n: T): Set<keyof T> {
  const out = new Set<keyof T>();
  for (const k of Object.keys(n) as (keyof T & string)[]) {
    if (k === '_version') continue;
    const a = o[k];
    const b = n[k];
    if (a === b) continue;
    if (typeof a !== 'object' || typeof b !== 'object' || JSON.stringify(a) !== JSON.stringify(b)) out.add(k);
  }
  return out;
}

export const sameKeys = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b);
};

/** Same rows, in the same order, by identity. */
export function sameRows(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const byNameThenUuid = <T extends { name: string; _uuid: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a._uuid < b._uuid ? -1 : a._uuid > b._uuid ? 1 : 0;

/** A datapath's load balancer configuration: its direct balancers and its groups. */
export function lbConfigSig(row: LbConfigRow): string {
  let sig = lbConfigSigs.get(row);
  if (sig === undefined)
    lbConfigSigs.set(row, (sig = `${row.load_balancer.join(',')}|${row.load_balancer_group.join(',')}`));
  return sig;
}

interface LbConfigRow {
  readonly load_balancer: readonly string[];
  readonly load_balancer_group: readonly string[];
}
/** Per row object (rows are replaced, never changed in place): a backend change asks for 300 switches' signatures. */
const lbConfigSigs = new WeakMap<LbConfigRow, string>();

/**
 * Entries per generation of each kind's unit-id memo at most (it holds at most twice its generation). The
 * generation follows the NB rows that can have an id of the kind (sizeUnitIds), from UNIT_IDS_MIN_GENERATION:
 * a fixed one filled up with the UUIDs and names of deleted rows over a long run (issue 24's soak).
 */
export const UNIT_IDS_GENERATION = 65_536;
export const UNIT_IDS_MIN_GENERATION = 1024;

/**
 * Unit ids, interned: the same few thousand ids are used on hundreds of datapaths. Looked up by the row
 * UUID string (the same string object every time, its hash computed once), never by a new concatenation.
 * Bounded: UUIDs of deleted rows are forgotten after two generations (an evicted id is built again, equal).
 */
const unitIds = {
  acl: new BoundedMemo<string, string>(UNIT_IDS_GENERATION),
  lb: new BoundedMemo<string, string>(UNIT_IDS_GENERATION),
  arp: new BoundedMemo<string, string>(UNIT_IDS_GENERATION),
  routable: new BoundedMemo<string, string>(UNIT_IDS_GENERATION),
  lsp: new BoundedMemo<string, string>(UNIT_IDS_GENERATION),
};
/** The NB rows each kind of unit id is made for: their number sizes its memo's generation. */
export interface UnitIdRows {
  /** Switch ports (`lsp`, by name). */
  readonly switchPorts: number;
  /** ACL rows (`acl`). */
  readonly acls: number;
  /** Load balancers and routers (`lb`, by balancer UUID and by router UUID). */
  readonly balancersAndRouters: number;
  /** Router ports (`arp`, `routable`, by name; with their chassisredirect ports). */
  readonly routerPorts: number;
}

/** Sizes each kind's unit-id memo to its rows (within UNIT_IDS_MIN_GENERATION..UNIT_IDS_GENERATION). */
export function sizeUnitIds(rows: UnitIdRows): void {
  const gen = (n: number) => Math.min(UNIT_IDS_GENERATION, Math.max(UNIT_IDS_MIN_GENERATION, n));
  unitIds.lsp.resize(gen(rows.switchPorts));
  unitIds.acl.resize(gen(rows.acls));
  unitIds.lb.resize(gen(rows.balancersAndRouters));
  unitIds.arp.resize(gen(2 * rows.routerPorts));
  unitIds.routable.resize(gen(2 * rows.routerPorts));
}

export function unitId(kind: keyof typeof unitIds, id: string): string {
  // A hit first, without the closure of get() (a cold start asks ~300k times).
  const m = unitIds[kind];
  return m.peek(id) ?? m.get(id, () => `${kind}:${id}`);
}
