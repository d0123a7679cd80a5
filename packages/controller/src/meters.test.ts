// SB Meter rows → OpenFlow meters (pure): ids from MeterIds (stable, lowest free), unit and burst flags, drop bands.
import { describe, expect, it } from 'vitest';
import type { Meter as SbMeter, MeterBand as SbBand } from '@ovnts/schema/sb';
import type { Uuid } from 'ovsdb-client-ts';
import { MeterIds, desiredMeters, meterText } from './meters.js';

const band = (u: string, rate: number, burst = 0) => ({ _uuid: u, action: 'drop', rate, burst_size: burst }) as SbBand;
const meter = (u: string, name: string, unit: 'pktps' | 'kbps', bands: string[]) =>
  ({ _uuid: u, name, unit, bands: bands as Uuid<'Meter_Band'>[] }) as SbMeter;

describe('desiredMeters', () => {
  it('numbers meters by name and carries unit, burst and bands', () => {
    const sb = {
      Meter: new Map([meter('m1', 'zz', 'kbps', ['b1']), meter('m2', 'acl', 'pktps', ['b2'])].map((m) => [m._uuid, m])),
      Meter_Band: new Map([band('b1', 100, 10), band('b2', 10)].map((b) => [b._uuid, b])),
    } as Parameters<typeof desiredMeters>[0];
    const ms = desiredMeters(sb);
    expect(ms).toEqual([
      { meterId: 1, flags: ['pktps', 'stats'], bands: [{ type: 'drop', rate: 10 }] },
      { meterId: 2, flags: ['kbps', 'burst', 'stats'], bands: [{ type: 'drop', rate: 100, burstSize: 10 }] },
    ]);
    expect(meterText(ms[0]!)).not.toBe(meterText({ ...ms[0]!, bands: [{ type: 'drop', rate: 20 }] }));
  });
});

describe('MeterIds', () => {
  it('keeps ids while names exist and gives a new name the lowest free id', () => {
    const ids = new MeterIds();
    expect(ids.sync(['meter0'])).toBe(true);
    expect(ids.sync(['meter0'])).toBe(false);
    ids.sync(['meter0', 'meter1']);
    expect([...ids.table]).toEqual([
      ['meter0', 1],
      ['meter1', 2],
    ]);
    // Deleting meter0 does not renumber meter1 (a flow that said meter 1 must not now mean meter1).
    expect(ids.sync(['meter1'])).toBe(true);
    expect(ids.table.get('meter1')).toBe(2);
    ids.sync([]);
    ids.sync(['meter2']);
    expect(ids.table.get('meter2')).toBe(1);
    ids.sync(['meter2', 'b', 'a']);
    expect([ids.table.get('a'), ids.table.get('b')]).toEqual([2, 3]);
  });

  it('installs each SB meter under its table id and skips names without one', () => {
    const sb = {
      Meter: new Map([meter('m1', 'x', 'pktps', ['b1']), meter('m2', 'y', 'pktps', ['b1'])].map((m) => [m._uuid, m])),
      Meter_Band: new Map([band('b1', 5)].map((b) => [b._uuid, b])),
    } as Parameters<typeof desiredMeters>[0];
    expect(desiredMeters(sb, new Map([['y', 7]])).map((m) => m.meterId)).toEqual([7]);
  });
});
