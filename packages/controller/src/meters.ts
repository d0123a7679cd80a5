// OpenFlow meters from the SB Meter table (pure part): one meter per row, its id from MeterIds (the id the
// logical flows' `meter=` / controller meters compile to, see logical.ts), unit pktps or kbps, drop bands
// with rate and burst. Installed before the flows that use them.
import type { Meter } from '@ovnts/openflow';
import type { SbSnapshot } from './view.js';

/** OFPM_ALL: every meter (meter_mod delete). */
export const ALL_METERS = 0xffffffff;

/**
 * Meter names → OpenFlow meter ids, stable while a name exists: a new name takes the lowest free id (new
 * names in name order), a removed name frees its id. As ovn-controller's id table does, so deleting one
 * meter neither renumbers the others nor leaves flows pointing at a meter that now means another.
 */
export class MeterIds {
  private readonly ids = new Map<string, number>();

  /** The id table after `names` are the meters that exist; true when it changed. */
  sync(names: Iterable<string>): boolean {
    const want = new Set(names);
    let changed = false;
    for (const n of [...this.ids.keys()])
      if (!want.has(n)) {
        this.ids.delete(n);
        changed = true;
      }
    const used = new Set(this.ids.values());
    let next = 1;
    for (const n of [...want].filter((x) => !this.ids.has(x)).sort()) {
      while (used.has(next)) next++;
      this.ids.set(n, next);
      used.add(next);
      changed = true;
    }
    return changed;
  }

  get table(): ReadonlyMap<string, number> {
    return this.ids;
  }

  /** Ids for `names` allocated from scratch (positions in name order). */
  static fresh(names: Iterable<string>): ReadonlyMap<string, number> {
    const t = new MeterIds();
    t.sync(names);
    return t.table;
  }
}

export function desiredMeters(
  sb: Pick<SbSnapshot, 'Meter' | 'Meter_Band'>,
  ids: ReadonlyMap<string, number> = MeterIds.fresh([...sb.Meter.values()].map((m) => m.name)),
): Meter[] {
  const out: Meter[] = [];
  for (const r of sb.Meter.values()) {
    const meterId = ids.get(r.name);
    if (meterId === undefined) continue;
    const bands = r.bands
      .map((u) => sb.Meter_Band.get(u))
      .filter((b) => b !== undefined)
      .map((b) => ({ type: 'drop' as const, rate: b.rate, ...(b.burst_size ? { burstSize: b.burst_size } : {}) }))
      .sort((a, b) => a.rate - b.rate || (a.burstSize ?? 0) - (b.burstSize ?? 0));
    const burst = bands.some((b) => b.burstSize !== undefined);
    out.push({ meterId, flags: [r.unit, ...(burst ? (['burst'] as const) : []), 'stats'], bands });
  }
  return out.sort((a, b) => a.meterId - b.meterId);
}

/** A meter's identity for diffing (what a modify would change). */
export function meterText(m: Meter): string {
  return `${m.flags.join('|')} ${m.bands.map((b) => `${b.rate}/${b.burstSize ?? 0}`).join(',')}`;
}
