// Logical_Flow rows → OpenFlow through @ovnts/expr, for the datapaths local to this chassis (datapath groups
// expanded). Flows that fail to compile are reported, not fatal: one bad row must not stop the chassis.
import { Compiler, type DatapathContext, type LogicalFlow as ExprFlow, type CompiledFlow } from '@ovnts/expr';
import type { Uuid } from 'ovsdb-client-ts';
import type { DatapathBinding, LogicalFlow } from '@ovnts/schema/sb';
import type { GroupTable } from './groups.js';
import { type LocalView, type SbSnapshot, VIF_TYPES } from './view.js';

export interface LogicalResult {
  readonly flows: CompiledFlow[];
  readonly errors: { readonly lflow: string; readonly error: string }[];
}

const RELATED_TYPES: ReadonlySet<string> = new Set(['patch', 'localport', 'localnet', 'l3gateway']);

/** Lookups over the SB shared by every datapath of one recomputation. */
class SbIndex {
  readonly addressSets = new Map<string, readonly string[]>();
  readonly portGroups = new Map<string, readonly string[]>();
  readonly mcByDp = new Map<string, Map<string, number>>();
  readonly dhcp = new Map<string, { code: number; type: string }>();
  readonly dhcp6 = new Map<string, { code: number; type: string }>();
  readonly meters = new Map<string, number>();
  constructor(sb: SbSnapshot) {
    for (const a of sb.Address_Set.values()) this.addressSets.set(a.name, a.addresses);
    for (const p of sb.Port_Group.values()) this.portGroups.set(p.name, p.ports);
    for (const mc of sb.Multicast_Group.values()) {
      let byName = this.mcByDp.get(mc.datapath);
      if (!byName) this.mcByDp.set(mc.datapath, (byName = new Map()));
      byName.set(mc.name, mc.tunnel_key);
    }
    for (const d of sb.DHCP_Options.values()) this.dhcp.set(d.name, { code: d.code, type: d.type });
    for (const d of sb.DHCPv6_Options.values()) this.dhcp6.set(d.name, { code: d.code, type: d.type });
    [...sb.Meter.values()].map((r) => r.name).sort().forEach((n, i) => this.meters.set(n, i + 1));
  }
}

export function logicalFlows(view: LocalView, sb: SbSnapshot, groups: GroupTable, compiler = new Compiler()): LogicalResult {
  const idx = new SbIndex(sb);
  const me = view.chassis?._uuid;
  let nextConj = 1;
  const contexts = new Map<string, DatapathContext>();
  const contextFor = (dp: DatapathBinding): DatapathContext => {
    let ctx = contexts.get(dp._uuid);
    if (ctx) return ctx;
    const ports = view.portsByDp.get(dp._uuid) ?? [];
    const byName = new Map(ports.map((p) => [p.logical_port, p.tunnel_key]));
    const mcs = idx.mcByDp.get(dp._uuid);
    const related = new Set(
      ports.filter((p) => (VIF_TYPES.has(p.type) && p.chassis === me && me !== undefined) || RELATED_TYPES.has(p.type)).map((p) => p.tunnel_key),
    );
    ctx = {
      dpKey: dp.tunnel_key,
      isSwitch: dp.external_ids['logical-switch'] !== undefined,
      lookupPort: (name) => byName.get(name) ?? mcs?.get(name),
      isChassisResident: (name) => {
        const pb = view.pbByName.get(name);
        return pb !== undefined && me !== undefined && pb.chassis === me;
      },
      isPortRelated: (key) => related.has(key),
      addressSet: (n) => idx.addressSets.get(n),
      portGroup: (n) => idx.portGroups.get(n),
      groupId: (g) => groups.id(g),
      meterId: (n) => idx.meters.get(n),
      allocConjIds: (n) => {
        const first = nextConj;
        nextConj += n;
        return first;
      },
      ...(dp.external_ids['snat-ct-zone'] !== undefined ? { snatCtZone: true } : {}),
      dhcpOptions: idx.dhcp,
      dhcpv6Options: idx.dhcp6,
    };
    contexts.set(dp._uuid, ctx);
    return ctx;
  };

  const flows: CompiledFlow[] = [];
  const errors: { lflow: string; error: string }[] = [];
  for (const lf of sb.Logical_Flow.values()) {
    const dps = datapathsOf(lf, sb);
    let input: ExprFlow | undefined;
    for (const d of dps) {
      const dp = view.localDps.get(d);
      if (!dp) continue;
      input ??= {
        uuid: lf._uuid,
        pipeline: lf.pipeline,
        table: lf.table_id,
        priority: lf.priority,
        match: lf.match,
        actions: lf.actions,
        ...(lf.controller_meter ? { controllerMeter: lf.controller_meter } : {}),
      };
      const r = compiler.compile(input, contextFor(dp));
      if (r.ok) for (const f of r.value) flows.push(withDecTtlIds(f));
      else errors.push({ lflow: `${lf._uuid} ${lf.match} => ${lf.actions}`, error: r.error.describe() });
    }
  }
  return { flows, errors };
}

function datapathsOf(lf: LogicalFlow, sb: SbSnapshot): readonly Uuid<'Datapath_Binding'>[] {
  if (lf.logical_datapath) return [lf.logical_datapath];
  if (lf.logical_dp_group) return sb.Logical_DP_Group.get(lf.logical_dp_group)?.datapaths ?? [];
  return [];
}

/**
 * ovn-controller's dec_ttl names no controller ids (`dec_ttl()`): an expiring TTL is dropped silently, the
 * logical pipeline generates the ICMP error itself. A bare dec_ttl would also send a packet-in to controller 0.
 */
function withDecTtlIds(f: CompiledFlow): CompiledFlow {
  if (!f.actions.some((a) => a.type === 'dec_ttl' && a.controllerIds === undefined)) return f;
  return { ...f, actions: f.actions.map((a) => (a.type === 'dec_ttl' && a.controllerIds === undefined ? { ...a, controllerIds: [] } : a)) };
}
