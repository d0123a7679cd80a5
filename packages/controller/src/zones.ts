// Conntrack zone allocation (pure). Every local VIF gets a zone (keyed by logical port name) and every local
// datapath a DNAT and an SNAT zone (`<dp uuid>_dnat` / `_snat`). Assignments persist in the integration
// bridge's external_ids as `ct-zone-<key>`, as ovn-controller keeps them, so a restart keeps its zones.

export const ZONE_PREFIX = 'ct-zone-';
const MAX_ZONE = 65535;

export class ZoneExhaustedError extends Error {
  override readonly name = 'ZoneExhaustedError';
}

/** Zones recorded in Bridge.external_ids. */
export function zonesFromExternalIds(ids: Readonly<Record<string, string>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(ids)) {
    if (!k.startsWith(ZONE_PREFIX)) continue;
    const z = Number(v);
    if (Number.isInteger(z) && z > 0 && z <= MAX_ZONE) out.set(k.slice(ZONE_PREFIX.length), z);
  }
  return out;
}

/** Keeps existing zones for keys still needed, gives new keys the lowest free zones (in key order). */
export function assignZones(needed: Iterable<string>, existing: ReadonlyMap<string, number>): Map<string, number> {
  const keys = [...new Set(needed)];
  const out = new Map<string, number>();
  const used = new Set<number>();
  for (const k of keys) {
    const z = existing.get(k);
    if (z !== undefined && !used.has(z)) {
      out.set(k, z);
      used.add(z);
    }
  }
  let next = 1;
  for (const k of keys.sort()) {
    if (out.has(k)) continue;
    while (used.has(next)) next++;
    if (next > MAX_ZONE) throw new ZoneExhaustedError('no free conntrack zone');
    out.set(k, next);
    used.add(next);
  }
  return out;
}

export const dnatKey = (dp: string) => `${dp}_dnat`;
export const snatKey = (dp: string) => `${dp}_snat`;
