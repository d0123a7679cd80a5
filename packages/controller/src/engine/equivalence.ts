// The recompute-equivalence check: after an incremental round, a full computation from scratch (fresh caches,
// fresh group ids) must produce the same flows as the desired table the engine maintains. Conjunction ids are
// allocation order and group ids are replaced by the groups' contents before comparing (see parity.ts).
import type { Group } from '@ovnts/openflow';
import type { Compiler } from '@ovnts/expr';
import { computeChassis } from '../compute.js';
import type { DesiredFlows } from '../flow-table.js';
import { normalizeFlows } from '../parity.js';
import type { RoundInput } from './inputs.js';

export interface EquivalenceReport {
  readonly equal: boolean;
  /** Flows (normalised text) only the incremental engine has, and only the full computation has. */
  readonly onlyIncremental: readonly string[];
  readonly onlyFull: readonly string[];
}

export function equivalenceReport(
  desired: DesiredFlows,
  groups: readonly Group[],
  input: RoundInput,
  /** A parse cache to reuse (its entries depend on the logical flow text only); fresh by default. */
  compiler?: Compiler,
  /** The engine's meter ids: allocation state (stable across deletions), like conjunction ids, not recomputed. */
  meterIds?: ReadonlyMap<string, number>,
): EquivalenceReport {
  const full = computeChassis({
    sb: input.sb,
    chassisName: input.chassisName,
    ifaces: input.ifaces,
    bridgeExternalIds: input.bridgeExternalIds,
    ...(compiler ? { compiler } : {}),
    ...(meterIds ? { meterIds } : {}),
  });
  const mine = [];
  for (const o of desired.owners()) mine.push(...desired.flowsOf(o));
  const a = count(normalizeFlows(mine, groups));
  const b = count(normalizeFlows(full.flows, full.groups));
  const onlyIncremental = diff(a, b);
  const onlyFull = diff(b, a);
  return { equal: !onlyIncremental.length && !onlyFull.length, onlyIncremental, onlyFull };
}

function count(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function diff(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const [k, n] of a) for (let i = b.get(k) ?? 0; i < n; i++) out.push(k);
  return out.sort();
}
