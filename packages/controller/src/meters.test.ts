// SB Meter rows → OpenFlow meters (pure): ids in name order, unit and burst flags, drop bands.
import { describe, expect, it } from 'vitest';
import type { Meter as SbMeter, MeterBand as SbBand } from '@ovnts/schema/sb';
import type { Uuid } from 'ovsdb-client-ts';
import { desiredMeters, meterText } from './meters.js';

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
