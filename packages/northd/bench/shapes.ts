// The benches' NB shape argument: NODESxPODS[:VIPS[:ACLS]] (e.g. 100x50:1000:5000).
export interface Shape {
  readonly label: string;
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly vips: number;
  readonly acls: number;
}

export function parseShape(s: string): Shape {
  const m = /^(\d+)x(\d+)(?::(\d+))?(?::(\d+))?$/.exec(s.trim());
  if (!m) throw new Error(`bad shape "${s}": expected NODESxPODS[:VIPS[:ACLS]], e.g. 100x50:1000:5000`);
  const shape = { label: s.trim(), nodes: +m[1]!, podsPerNode: +m[2]!, vips: +(m[3] ?? 0), acls: +(m[4] ?? 0) };
  if (shape.nodes < 1 || shape.podsPerNode < 1) throw new Error(`bad shape "${s}": needs at least 1x1`);
  if (shape.podsPerNode > 240) throw new Error(`bad shape "${s}": at most 240 pods per node (a /24 per node)`);
  return shape;
}
