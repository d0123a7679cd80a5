// MAC_Binding aging (pure): a logical router with options:mac_binding_age_threshold=N (seconds) loses the
// learned MAC bindings of its datapath N seconds after their `timestamp` (wall-clock ms, written by
// ovn-controller when it learns or changes a binding), as ovn-northd 23.03 ages them. NB_Global
// options:mac_binding_removal_limit caps the rows deleted per pass; the rest go in a later pass
// (BULK_REMOVAL_DELAY_MS on). Rows stamped in the future are left alone. The daemon runs a pass after every
// round and again when the next row is due (`nextCheckMs`), and only when every chassis stamps its rows.
import type { Uuid } from 'ovsdb-client-ts';

/** A full batch deleted: wait this long before the next one. */
export const BULK_REMOVAL_DELAY_MS = 5000;

/** An unsigned option as OVS's smap_get_uint reads it: a whole decimal number, else 0. */
export function smapUint(options: Readonly<Record<string, string>> | undefined, key: string): number {
  const m = /^\s*\+?(\d+)$/.exec(options?.[key] ?? '');
  return m ? Number(m[1]) : 0;
}

/** The routers whose MAC_Binding rows age (options:mac_binding_age_threshold > 0), with it in seconds. */
export function agingRouters(
  routers: Iterable<{ readonly _uuid: string; readonly options: Readonly<Record<string, string>> }>,
): { uuid: string; thresholdS: number }[] {
  const out: { uuid: string; thresholdS: number }[] = [];
  for (const lr of routers) {
    const thresholdS = smapUint(lr.options, 'mac_binding_age_threshold');
    if (thresholdS > 0) out.push({ uuid: lr._uuid, thresholdS });
  }
  return out;
}

export interface AgingRow {
  readonly _uuid: Uuid<'MAC_Binding'>;
  readonly datapath: string;
  readonly timestamp: number;
}

export interface AgingPass {
  readonly expired: Uuid<'MAC_Binding'>[];
  /** When to look again, from now (undefined: no row can expire without a change). */
  readonly nextCheckMs: number | undefined;
}

/**
 * The rows past their router's threshold. `thresholdMs(datapath)` is the router's threshold, 0 or
 * undefined for a datapath that does not age (a switch, a router without the option).
 */
export function agedMacBindings(
  rows: Iterable<AgingRow>,
  thresholdMs: (datapath: string) => number | undefined,
  now: number,
  removalLimit: number,
): AgingPass {
  const expired: Uuid<'MAC_Binding'>[] = [];
  let next = Infinity;
  for (const r of rows) {
    const threshold = thresholdMs(r.datapath);
    if (!threshold) continue;
    const age = now - r.timestamp;
    if (age < 0) continue;
    if (age < threshold) {
      next = Math.min(next, threshold - age);
      continue;
    }
    expired.push(r._uuid);
    if (removalLimit && expired.length >= removalLimit) return { expired, nextCheckMs: BULK_REMOVAL_DELAY_MS };
  }
  return { expired, nextCheckMs: next === Infinity ? undefined : next };
}
