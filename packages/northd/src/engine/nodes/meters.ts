// Node `meters`: the SB Meter rows (stateful/meters.ts) — one per NB meter, and each ACL's private copy
// of a fair meter it logs through — and which NB meters are fair (the switches' ACL log actions name
// the copies). Meters are few: a meter or band change rebuilds them all and notes the names that
// differ; an ACL change only revisits that ACL's copy.
import type { ACL, MeterBand } from '@ovnts/schema/nb';
import { fairMeterName, isFair, sbMeter, type SbMeterOut } from '../../stateful/meters.js';
import type { NodeData } from '../inc-engine.js';
import type { NbInputs } from './inputs.js';

export class MetersNode implements NodeData {
  /** SB Meter rows by name. */
  private rows = new Map<string, SbMeterOut>();
  /** ACL UUID → the name of its fair copy. */
  private readonly aclCopies = new Map<string, string>();
  /** Names of the fair NB meters. */
  fair: ReadonlySet<string> = new Set();
  recomputed = false;
  /** Meter names whose SB row may differ. */
  readonly touched = new Set<string>();
  /** The set of fair meters changed (ACL log actions name other meters). */
  fairChanged = false;

  constructor(private readonly nb: NbInputs) {}

  clearTracked(): void {
    this.recomputed = this.fairChanged = false;
    this.touched.clear();
  }
  updated(): boolean {
    return this.recomputed || this.touched.size > 0 || this.fairChanged;
  }
  recompute(): void {
    this.recomputed = true;
    this.build();
  }

  /** A Meter or Meter_Band row changed: rebuild, note the rows that differ. */
  onMeters(): boolean {
    const before = this.rows;
    const fairBefore = this.fair;
    this.build();
    for (const [name, row] of this.rows) if (!sameMeter(before.get(name), row)) this.touched.add(name);
    for (const name of before.keys()) if (!this.rows.has(name)) this.touched.add(name);
    this.fairChanged = !sameSet(fairBefore, this.fair);
    return true;
  }

  /** An ACL's meter, or the ACL itself, changed: its fair copy follows. */
  onAcl(): boolean {
    for (const c of this.nb.tables.ACL.changes) {
      const old = this.aclCopies.get(c.uuid);
      if (old !== undefined) {
        this.aclCopies.delete(c.uuid);
        this.rows.delete(old);
        this.touched.add(old);
      }
      if (c.new) {
        const name = this.addCopy(c.new, this.bands());
        if (name !== undefined) this.touched.add(name);
      }
    }
    return true;
  }

  row(name: string): SbMeterOut | undefined {
    return this.rows.get(name);
  }
  all(): Iterable<SbMeterOut> {
    return this.rows.values();
  }

  private bands(): ReadonlyMap<string, MeterBand> {
    return this.nb.view.Meter_Band;
  }

  private build(): void {
    this.rows = new Map();
    this.aclCopies.clear();
    const fair = new Set<string>();
    const bands = this.bands();
    for (const m of this.nb.view.Meter.values()) {
      this.rows.set(m.name, sbMeter(m.name, m, bands));
      if (isFair(m)) fair.add(m.name);
    }
    this.fair = fair;
    if (fair.size) for (const acl of this.nb.view.ACL.values()) this.addCopy(acl, bands);
  }

  /** The fair copy of an ACL's meter, if it logs through a fair one. */
  private addCopy(acl: ACL, bands: ReadonlyMap<string, MeterBand>): string | undefined {
    if (acl.meter === null || !this.fair.has(acl.meter)) return undefined;
    const meter = [...this.nb.view.Meter.values()].find((m) => m.name === acl.meter);
    if (!meter) return undefined;
    const name = fairMeterName(acl.meter, acl._uuid);
    this.rows.set(name, sbMeter(name, meter, bands));
    this.aclCopies.set(acl._uuid, name);
    return name;
  }
}

function sameMeter(a: SbMeterOut | undefined, b: SbMeterOut): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
