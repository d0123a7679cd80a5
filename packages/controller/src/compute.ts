// One full computation of a chassis's OpenFlow state from the two databases (pure): the local view, conntrack
// zones, physical + logical + neighbor flows and the groups they use. The daemon, the parity report and the
// benchmark all go through here.
import type { Flow, Group } from '@ovnts/openflow';
import { Compiler } from '@ovnts/expr';
import type { Bridge } from '@ovnts/schema/vswitch';
import { GroupTable } from './groups.js';
import { LflowCache, logicalFlows } from './logical.js';
import { neighborFlows } from './neighbor.js';
import { lbHairpinFlows } from './lb-hairpin.js';
import { portSecurityFlows } from './port-security.js';
import { physicalFlows } from './physical.js';
import { buildLocalView, type LocalView, type OvsIface, type SbSnapshot } from './view.js';
import { assignZones, dnatKey, snatKey, zonesFromExternalIds } from './zones.js';

export interface ComputeInput {
  readonly sb: SbSnapshot;
  readonly chassisName: string;
  readonly ifaces: readonly OvsIface[];
  /** The integration bridge's external_ids (conntrack zones already assigned). */
  readonly bridgeExternalIds: Bridge['external_ids'];
  /** Reused across computations so group ids stay stable. */
  readonly groups?: GroupTable;
  readonly compiler?: Compiler;
  /** Reused across computations so unchanged logical flows are not compiled again. */
  readonly cache?: LflowCache;
  /** See logicalFlows (default true). */
  readonly shareCompiles?: boolean;
  /** The chassis's meter id table (MeterIds); fresh positions in name order by default. */
  readonly meterIds?: ReadonlyMap<string, number>;
}

export interface ComputeResult {
  readonly view: LocalView;
  readonly zones: ReadonlyMap<string, number>;
  readonly flows: Flow[];
  readonly groups: Group[];
  readonly errors: readonly { readonly lflow: string; readonly error: string }[];
}

export function neededZones(view: LocalView, sb: SbSnapshot): string[] {
  const needed: string[] = [];
  for (const d of view.localDps.keys()) needed.push(dnatKey(d), snatKey(d));
  for (const pbUuid of view.localVifs.keys()) {
    const pb = sb.Port_Binding.get(pbUuid);
    if (pb) needed.push(pb.logical_port);
  }
  return needed;
}

export function computeChassis(input: ComputeInput): ComputeResult {
  const view = buildLocalView(input.sb, input.chassisName, input.ifaces);
  const zones = assignZones(neededZones(view, input.sb), zonesFromExternalIds(input.bridgeExternalIds));
  const groups = input.groups ?? new GroupTable();
  groups.begin();
  const logical = logicalFlows(
    view,
    input.sb,
    groups,
    input.compiler ?? new Compiler(),
    input.cache,
    input.shareCompiles ?? true,
    input.meterIds,
  );
  const flows = [
    ...physicalFlows({ view, sb: input.sb, zone: (k) => zones.get(k) ?? 0 }),
    ...logical.flows,
    ...neighborFlows(view, input.sb),
    ...lbHairpinFlows(view, input.sb),
    ...portSecurityFlows(view, input.sb),
  ];
  return { view, zones, flows, groups: groups.end(), errors: logical.errors };
}
