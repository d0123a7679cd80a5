// OpenFlow meters from the SB Meter table (pure part): one meter per row, its id the row's position in
// name order (the id the logical flows' `meter=` / controller meters compile to, see logical.ts), unit
// pktps or kbps, drop bands with rate and burst. Installed before the flows that use them.
import type { Meter } from '@ovnts/openflow';
import type { SbSnapshot } from './view.js';

/** OFPM_ALL: every meter (meter_mod delete). */
export const ALL_METERS = 0xffffffff;

export function desiredMeters(sb: Pick<SbSnapshot, 'Meter' | 'Meter_Band'>): Meter[] {
  const rows = [...sb.Meter.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return rows.map((r, i) => {
    const bands = r.bands
      .map((u) => sb.Meter_Band.get(u))
      .filter((b) => b !== undefined)
      .map((b) => ({ type: 'drop' as const, rate: b.rate, ...(b.burst_size ? { burstSize: b.burst_size } : {}) }))
      .sort((a, b) => a.rate - b.rate || (a.burstSize ?? 0) - (b.burstSize ?? 0));
    const burst = bands.some((b) => b.burstSize !== undefined);
    return { meterId: i + 1, flags: [r.unit, ...(burst ? (['burst'] as const) : []), 'stats'], bands };
  });
}

/** A meter's identity for diffing (what a modify would change). */
export function meterText(m: Meter): string {
  return `${m.flags.join('|')} ${m.bands.map((b) => `${b.rate}/${b.burstSize ?? 0}`).join(',')}`;
}
