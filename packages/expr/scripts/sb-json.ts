// Reads `ovn-sbctl -f json list <Table>` output into plain rows (uuid/set/map decoded), for the
// oracle test, the bench and dev scripts.
export type Row = Record<string, unknown> & { _uuid: string };

function decode(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const [tag, inner] = v as [string, unknown];
  if (tag === 'uuid' || tag === 'named-uuid') return inner;
  if (tag === 'set') return (inner as unknown[]).map(decode);
  if (tag === 'map')
    return Object.fromEntries((inner as [unknown, unknown][]).map(([k, x]) => [String(decode(k)), decode(x)]));
  return v;
}

export function sbRows(json: string): Row[] {
  const d = JSON.parse(json) as { headings: string[]; data: unknown[][] };
  return d.data.map((r) => Object.fromEntries(d.headings.map((h, i) => [h, decode(r[i])])) as Row);
}

/** A column that may be a scalar or a set (OVSDB JSON uses a bare atom for 1-element sets). */
export function asSet<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : v === undefined || v === null ? [] : [v as T];
}
