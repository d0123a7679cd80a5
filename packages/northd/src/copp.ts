// Control plane protection (NB Copp): a switch or router names a Copp row mapping control protocols to
// NB meters. The flows whose actions hand packets to ovn-controller are tagged by the builders with the
// protocol they carry (FlowSpec.copp); per datapath, the tag becomes the flow's SB `controller_meter`
// when the datapath's Copp maps that protocol to a meter that exists in the NB, as ovn-northd does.
// Builders stay datapath-independent (their units are shared between datapaths): the meter is applied
// to a unit when it is placed on a datapath (FlowSet), memoized per unit and meter assignment.
import type { Copp, Meter } from '@ovnts/schema/nb';
import { flowKey, type FlowSpec } from './lflow-table.js';

// The protocols a Copp row may name are ovn-nbctl's list, kept once in @ovnts/nb.
import type { CoppProtocol as CoppProto } from '@ovnts/nb';
export { COPP_PROTOCOLS } from '@ovnts/nb';
export type { CoppProto };

/** A datapath's resolved Copp: protocol → meter name; `sig` identifies the assignment. */
export interface CoppMeters {
  readonly sig: string;
  readonly meters: ReadonlyMap<string, string>;
}

/**
 * The meters a Copp row assigns, keeping only meters that exist in the NB (a name without a Meter row
 * meters nothing). Undefined when nothing is assigned.
 */
export function resolveCopp(
  copp: Pick<Copp, 'meters'> | undefined,
  meterNames: ReadonlySet<string>,
): CoppMeters | undefined {
  if (!copp) return undefined;
  const meters = new Map<string, string>();
  for (const [proto, meter] of Object.entries(copp.meters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (meterNames.has(meter)) meters.set(proto, meter);
  if (!meters.size) return undefined;
  return { sig: [...meters].map(([p, m]) => `${p}=${m}`).join('\u0000'), meters };
}

/** The names of the NB meters (what a Copp's meter must name). */
export function meterNames(meters: Iterable<Pick<Meter, 'name'>>): Set<string> {
  const s = new Set<string>();
  for (const m of meters) s.add(m.name);
  return s;
}

/** The datapath's Copp resolved from its `copp` column. */
export function datapathCopp(
  coppUuid: Copp['_uuid'] | null,
  copps: ReadonlyMap<Copp['_uuid'], Copp>,
  names: ReadonlySet<string>,
): CoppMeters | undefined {
  return coppUuid === null ? undefined : resolveCopp(copps.get(coppUuid), names);
}

const tagged = new WeakMap<readonly FlowSpec[], boolean>();
const metered = new WeakMap<readonly FlowSpec[], Map<string, readonly FlowSpec[]>>();

/** `specs` with the meters of `c` applied to their tagged flows (the same array when none applies). */
export function applyCopp(specs: readonly FlowSpec[], c: CoppMeters | undefined): readonly FlowSpec[] {
  if (!c || !specs.length) return specs;
  let t = tagged.get(specs);
  if (t === undefined) tagged.set(specs, (t = specs.some((f) => f.copp !== undefined)));
  if (!t) return specs;
  let m = metered.get(specs);
  if (!m) metered.set(specs, (m = new Map()));
  let out = m.get(c.sig);
  if (!out) {
    let any = false;
    const mapped = specs.map((f) => {
      const meter = f.copp !== undefined ? c.meters.get(f.copp) : undefined;
      if (meter === undefined) return f;
      any = true;
      return { ...f, meter, key: flowKey({ ...f, meter }) };
    });
    out = any ? mapped : specs;
    if (m.size > 64) m.clear();
    m.set(c.sig, out);
  }
  return out;
}
