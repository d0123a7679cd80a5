// Writing SB Meter rows (by name) and their Meter_Band rows, for the full diff and the incremental
// writer alike. As ovn-northd: bands are written anew only when a meter is new or its bands differ from
// the NB's (in any order); the old Meter_Band rows go with the last reference (non-root table).
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { sameBands, type SbMeterOut } from './stateful/meters.js';

type Row = Record<string, unknown>;

export interface MeterOps {
  ins(table: 'Meter' | 'Meter_Band', row: Row): unknown;
  /** Writes only when something changed. */
  upd(table: 'Meter', uuid: Uuid, row: Row): void;
  del(table: 'Meter', uuid: Uuid): void;
}

/** Bring one meter's SB row (`cur`, if any) to `want` (undefined: delete it). */
export function writeMeter(
  want: SbMeterOut | undefined,
  cur: SbTables['Meter'] | undefined,
  band: (uuid: Uuid<'Meter_Band'>) => SbTables['Meter_Band'] | undefined,
  ops: MeterOps,
): void {
  if (!want) {
    if (cur) ops.del('Meter', cur._uuid);
    return;
  }
  const bands = () =>
    want.bands.map((b) => ops.ins('Meter_Band', { action: b.action, rate: b.rate, burst_size: b.burstSize }));
  if (!cur) {
    ops.ins('Meter', { name: want.name, unit: want.unit, bands: bands() });
    return;
  }
  const row: Row = {};
  if (cur.unit !== want.unit) row['unit'] = want.unit;
  const have = cur.bands.map(band);
  if (have.some((b) => b === undefined) || !sameBands(want.bands, have as SbTables['Meter_Band'][]))
    row['bands'] = bands();
  if (Object.keys(row).length) ops.upd('Meter', cur._uuid, row);
}

/** The whole Meter table: rows by name, duplicates and rows no longer wanted deleted. */
export function diffMeters(
  desired: readonly SbMeterOut[],
  sb: {
    readonly Meter: ReadonlyMap<Uuid<'Meter'>, SbTables['Meter']>;
    readonly Meter_Band: ReadonlyMap<Uuid<'Meter_Band'>, SbTables['Meter_Band']>;
  },
  ops: MeterOps,
): void {
  const current = new Map<string, SbTables['Meter']>();
  for (const m of sb.Meter.values()) {
    if (current.has(m.name)) ops.del('Meter', m._uuid);
    else current.set(m.name, m);
  }
  const band = (u: Uuid<'Meter_Band'>) => sb.Meter_Band.get(u);
  for (const m of desired) {
    writeMeter(m, current.get(m.name), band, ops);
    current.delete(m.name);
  }
  for (const m of current.values()) ops.del('Meter', m._uuid);
}
