// SB Meter rows, as ovn-northd 23.03 writes them: one per NB Meter (same name, unit and bands), and for
// every ACL whose log meter is a *fair* NB meter, a private copy named `<meter>__<acl uuid>`, which the
// ACL's log action names instead, so that each ACL's log is rate-limited on its own.
import type { ACL, Meter, MeterBand } from '@ovnts/schema/nb';

export interface SbMeterBandOut {
  readonly action: MeterBand['action'];
  readonly rate: number;
  readonly burstSize: number;
}

export interface SbMeterOut {
  /** Identity. */
  readonly name: string;
  readonly unit: Meter['unit'];
  readonly bands: readonly SbMeterBandOut[];
}

/** The name of an ACL's private copy of a fair meter. */
export const fairMeterName = (meter: string, acl: string) => `${meter}__${acl}`;

/** The meter an ACL's log action names: its own copy when its meter is fair. */
export function aclLogMeter(acl: Pick<ACL, '_uuid' | 'meter'>, fair: ReadonlySet<string>): string | null {
  if (acl.meter === null) return null;
  return fair.has(acl.meter) ? fairMeterName(acl.meter, acl._uuid) : acl.meter;
}

export const isFair = (m: Pick<Meter, 'fair'>) => m.fair === true;

/** A NB meter's SB row under `name` (its bands resolved; a dangling band reference is skipped). */
export function sbMeter(name: string, m: Meter, bands: ReadonlyMap<string, MeterBand>): SbMeterOut {
  const out: SbMeterBandOut[] = [];
  for (const u of m.bands) {
    const b = bands.get(u);
    if (b) out.push({ action: b.action, rate: b.rate, burstSize: b.burst_size });
  }
  return { name, unit: m.unit, bands: out };
}

/** Whether the SB bands hold the NB bands, in any order (ovn-northd then leaves them alone). */
export function sameBands(
  want: readonly SbMeterBandOut[],
  have: readonly { readonly action: string; readonly rate: number; readonly burst_size: number }[],
): boolean {
  if (want.length !== have.length) return false;
  const key = (a: string, r: number, b: number) => `${a}/${r}/${b}`;
  const w = want.map((b) => key(b.action, b.rate, b.burstSize)).sort();
  const h = have.map((b) => key(b.action, b.rate, b.burst_size)).sort();
  return w.every((x, i) => x === h[i]);
}
