// The controller's incremental engine, declared in one place: input nodes over SB tables and the local OVS
// state, computing nodes with one named handler per input edge (false, or no handler, recomputes the node).
// Every flow node writes its units into one DesiredFlows under its own owners, so a round's OpenFlow diff
// is exactly what the round changed.
//
//   runtime_data          ← SB_port_binding (VIF-like ports: per port), OVS_interface (ofports: per port),
//                           OVS_bridge (zones), SB_datapath_binding, SB_chassis, SB_ha_chassis_group
//                           (HA_Chassis_Group, HA_Chassis: recompute)
//   physical_flow_output  ← runtime_data, SB_port_binding, SB_multicast_group, physical_backlog (units a
//                           time-sliced round left)
//   lflow_output          ← runtime_data, SB_logical_flow, SB_logical_dp_group, SB_datapath_binding,
//                           SB_port_binding, SB_multicast_group, SB_address_set, SB_port_group, SB_meter,
//                           SB_dhcp_options (recompute), lflow_backlog (what a time-sliced round left)
//   port_security_output  ← runtime_data, SB_port_binding, port_security_backlog (ports a time-sliced round
//                           left)
//   mac_binding_output    ← runtime_data, SB_port_binding (only when they reach a bound port or a datapath's
//                           locality), SB_mac_binding (recompute)
//   lb_hairpin_output     ← runtime_data (local datapaths), SB_load_balancer (LBs; SB_Global's
//                           lb_hairpin_use_ct_mark), SB_logical_dp_group (groups an LB names)
import { IncEngine, type InputEdge, type NodeDecl } from '@ovnts/daemon';
import type { Group } from '@ovnts/openflow';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { DesiredFlows } from '../flow-table.js';
import { GroupTable } from '../groups.js';
import { lbHairpinFlows } from '../lb-hairpin.js';
import { neighborFlows } from '../neighbor.js';
import type { LocalView } from '../view.js';
import type { SbSnapshot } from '../snapshots.js';
import { type RoundInput, SbTablesInput, SignatureInput, changeNotInSnapshot } from './inputs.js';
import { LflowOutput } from './lflow-output.js';
import { PortSecurityOutput, WholeFlows, hairpinReached, neighborsReached } from './misc-output.js';
import { PhysicalOutput } from './physical-output.js';
import { RuntimeData } from './runtime-data.js';

export interface RoundResult {
  readonly view: LocalView;
  readonly zones: ReadonlyMap<string, number>;
  readonly groups: readonly Group[];
  readonly errors: readonly { readonly lflow: string; readonly error: string }[];
  /** lflow_output recomputed (ovn-controller counts these as coverage `lflow_run`). */
  readonly lflowsRecomputed: boolean;
  /** A change the round's snapshot did not show (`table uuid`; see changeNotInSnapshot): the next round recomputes. */
  readonly changeNotInSnapshot?: string;
}

const SB_INPUTS = {
  SB_port_binding: ['Port_Binding'],
  SB_datapath_binding: ['Datapath_Binding'],
  SB_chassis: ['Chassis', 'Encap'],
  SB_ha_chassis_group: ['HA_Chassis_Group', 'HA_Chassis'],
  SB_logical_flow: ['Logical_Flow'],
  SB_logical_dp_group: ['Logical_DP_Group'],
  SB_multicast_group: ['Multicast_Group'],
  SB_address_set: ['Address_Set'],
  SB_port_group: ['Port_Group'],
  SB_meter: ['Meter'],
  SB_dhcp_options: ['DHCP_Options', 'DHCPv6_Options'],
  SB_mac_binding: ['MAC_Binding', 'Static_MAC_Binding'],
  SB_load_balancer: ['Load_Balancer', 'SB_Global'],
} as const satisfies Record<string, readonly (keyof SbTables)[]>;
type SbInputName = keyof typeof SB_INPUTS;

export class ChassisEngine {
  readonly desired: DesiredFlows;
  readonly engine: IncEngine;
  readonly runtime: RuntimeData;
  readonly physical: PhysicalOutput;
  readonly lflows: LflowOutput;
  readonly portSecurity: PortSecurityOutput;
  private readonly sbInputs: Record<SbInputName, SbTablesInput>;
  private readonly ifacesIn = new SignatureInput();
  private readonly bridgeIn = new SignatureInput();
  private current: RoundInput | undefined;
  private forceNext = true;
  /** The snapshot of a round whose changes it did not show (see changeNotInSnapshot). */
  private lagging: SbSnapshot | undefined;
  /** The snapshot of the last round. */
  private lastSb: SbSnapshot | undefined;

  /**
   * `sliceMs`: lflow_output compiles for about that long per round and leaves the rest for the next ones
   * (see `pending`); the controller yields to its event loop in between.
   */
  constructor(desired = new DesiredFlows(), opts: { sliceMs?: number } = {}) {
    this.desired = desired;
    const input = () => this.current!;
    const sbInputs = Object.fromEntries(
      Object.entries(SB_INPUTS).map(([n, tables]) => [n, new SbTablesInput(tables)]),
    ) as Record<SbInputName, SbTablesInput>;
    this.sbInputs = sbInputs;
    // One reader of every SB change, whatever table a handler asks for.
    const all = sbInputs.SB_port_binding;
    const rt = (this.runtime = new RuntimeData(input, all));
    const phys = (this.physical = new PhysicalOutput(input, rt, all, desired));
    const lflows = (this.lflows = new LflowOutput(input, rt, all, desired, new GroupTable()));
    lflows.sliceMs = opts.sliceMs;
    phys.sliceMs = opts.sliceMs;
    const ps = (this.portSecurity = new PortSecurityOutput(input, rt, all, desired));
    ps.sliceMs = opts.sliceMs;
    const neighbors = new WholeFlows('neighbor', neighborFlows, input, rt, desired);
    const hairpin = new WholeFlows('lb-hairpin', lbHairpinFlows, input, rt, desired);
    const note = (name: string, handler: () => boolean): InputEdge => ({ from: '', name, handler });
    const edge = (from: string, e?: InputEdge): InputEdge => (e ? { ...e, from } : { from });
    const ok = () => true;
    const nodes: NodeDecl[] = [
      ...Object.entries(sbInputs).map(([name, data]): NodeDecl => ({ kind: 'input', name, data })),
      { kind: 'input', name: 'OVS_interface', data: this.ifacesIn },
      { kind: 'input', name: 'OVS_bridge', data: this.bridgeIn },
      // Compilations (and physical units) a time-sliced round left over.
      { kind: 'input', name: 'lflow_backlog', data: { updated: () => lflows.pending } },
      { kind: 'input', name: 'physical_backlog', data: { updated: () => phys.pending } },
      { kind: 'input', name: 'port_security_backlog', data: { updated: () => ps.pending } },
      {
        kind: 'node',
        name: 'runtime_data',
        data: rt,
        // A rebuild still reports exactly what changed.
        exactRecompute: true,
        inputs: [
          edge(
            'SB_port_binding',
            note('runtime_data_port_binding_handler', () => rt.handlePortBindings()),
          ),
          edge('SB_datapath_binding'),
          edge('SB_chassis'),
          // Membership makes an external or redirect port's datapath local; priorities order the gateways'
          // tunnels. Rare (northd rewrites a group on an NB change): recompute, which reports what moved.
          edge('SB_ha_chassis_group'),
          edge(
            'OVS_interface',
            note('runtime_data_ovs_interface_handler', () => rt.handleInterfaces()),
          ),
          edge(
            'OVS_bridge',
            note('runtime_data_ovs_bridge_handler', () => rt.handleBridge()),
          ),
        ],
      },
      {
        kind: 'node',
        name: 'physical_flow_output',
        data: {
          clearTracked: () => phys.clearTracked(),
          recompute: () => phys.recompute(),
          settle: () => phys.handleChanges(),
          updated: () => phys.updated(),
        },
        inputs: [
          edge('runtime_data', note('physical_runtime_data_handler', ok)),
          edge('SB_port_binding', note('physical_port_binding_handler', ok)),
          edge('SB_multicast_group', note('physical_multicast_group_handler', ok)),
          edge('physical_backlog', note('physical_backlog_handler', ok)),
        ],
      },
      {
        kind: 'node',
        name: 'lflow_output',
        data: lflows,
        inputs: [
          edge(
            'runtime_data',
            note('lflow_runtime_data_handler', () => lflows.handleRuntimeData()),
          ),
          edge(
            'SB_logical_flow',
            note('lflow_logical_flow_handler', () => lflows.handleLogicalFlows()),
          ),
          edge(
            'SB_logical_dp_group',
            note('lflow_dp_group_handler', () => lflows.handleDpGroups()),
          ),
          edge(
            'SB_datapath_binding',
            note('lflow_datapath_handler', () => lflows.handleDatapaths()),
          ),
          edge(
            'SB_port_binding',
            note('lflow_port_binding_handler', () => lflows.handlePorts()),
          ),
          edge(
            'SB_multicast_group',
            note('lflow_multicast_group_handler', () => lflows.handleMulticastGroups()),
          ),
          edge(
            'SB_address_set',
            note('lflow_address_set_handler', () => lflows.handleAddressSets()),
          ),
          edge(
            'SB_port_group',
            note('lflow_port_group_handler', () => lflows.handlePortGroups()),
          ),
          edge(
            'SB_meter',
            note('lflow_meter_handler', () => lflows.handleMeters()),
          ),
          edge('SB_dhcp_options'),
          edge(
            'lflow_backlog',
            note('lflow_backlog_handler', () => lflows.handleBacklog()),
          ),
        ],
      },
      {
        kind: 'node',
        name: 'port_security_output',
        data: {
          clearTracked: () => ps.clearTracked(),
          recompute: () => ps.recompute(),
          settle: () => ps.handleChanges(),
          updated: () => ps.updated(),
        },
        inputs: [
          edge('runtime_data', note('port_security_runtime_data_handler', ok)),
          edge('SB_port_binding', note('port_security_port_binding_handler', ok)),
          edge('port_security_backlog', note('port_security_backlog_handler', ok)),
        ],
      },
      {
        kind: 'node',
        name: 'mac_binding_output',
        data: neighbors,
        inputs: [
          edge(
            'runtime_data',
            note('mac_binding_runtime_data_handler', () =>
              neighbors.handle(() => neighborsReached(rt, all, this.current!.sb)),
            ),
          ),
          edge(
            'SB_port_binding',
            note('mac_binding_port_binding_handler', () =>
              neighbors.handle(() => neighborsReached(rt, all, this.current!.sb)),
            ),
          ),
          edge('SB_mac_binding'),
        ],
      },
      {
        kind: 'node',
        name: 'lb_hairpin_output',
        data: hairpin,
        inputs: [
          edge(
            'runtime_data',
            note('lb_hairpin_runtime_data_handler', () =>
              hairpin.handle(() => hairpinReached('runtime_data', rt, all, this.current!.sb)),
            ),
          ),
          edge(
            'SB_load_balancer',
            note('lb_hairpin_load_balancer_handler', () =>
              hairpin.handle(() => hairpinReached('load_balancer', rt, all, this.current!.sb)),
            ),
          ),
          edge(
            'SB_logical_dp_group',
            note('lb_hairpin_dp_group_handler', () =>
              hairpin.handle(() => hairpinReached('dp_group', rt, all, this.current!.sb)),
            ),
          ),
        ],
      },
    ];
    this.engine = new IncEngine(nodes);
  }

  /** A time-sliced round left compilations over: run again (with no new changes) before installing. */
  get pending(): boolean {
    return this.lflows.pending || this.physical.pending || this.portSecurity.pending;
  }

  /** The next round recomputes every node (`inc-engine/recompute`, a reconnect that re-read everything). */
  forceRecompute(): void {
    this.forceNext = true;
  }

  run(input: RoundInput): RoundResult {
    this.current = input;
    for (const i of Object.values(this.sbInputs)) i.set(input.sbChanges);
    this.ifacesIn.set(
      input.chassisName +
        '\n' +
        input.ifaces
          .map(
            (i) =>
              `${i.name}|${i.ofport}|${i.type}|${i.ifaceId ?? ''}|${i.tunnelChassis ?? ''}|${i.localnetPort ?? ''}`,
          )
          .join('\n'),
    );
    this.bridgeIn.set(
      Object.entries(input.bridgeExternalIds)
        .filter(([k]) => k.startsWith('ct-zone-'))
        .sort()
        .join(','),
    );
    let force = this.forceNext;
    this.forceNext = false;
    // Changes a snapshot did not show yet: no later round repeats them, so the first round with a newer
    // snapshot (not a slice of the same one) recomputes everything.
    if (this.lagging && input.sb !== this.lagging) {
      force = true;
      this.lagging = undefined;
    }
    const unseen = changeNotInSnapshot(input);
    if (unseen) this.lagging = input.sb;
    // A round with nothing new (the next slice of a sliced one): what lflow_output derived from the
    // snapshot and the local view is still valid.
    const quiet =
      !force &&
      input.sb === this.lastSb &&
      !this.ifacesIn.updated() &&
      !this.bridgeIn.updated() &&
      !Object.values(this.sbInputs).some((i) => i.updated());
    this.lflows.keepContexts = quiet;
    this.lastSb = input.sb;
    const outcome = this.engine.run(force);
    return {
      ...(unseen ? { changeNotInSnapshot: unseen } : {}),
      lflowsRecomputed: outcome.get('lflow_output') === 'recompute',
      view: this.runtime.view!,
      zones: this.runtime.zones,
      groups: this.lflows.wantedGroups(),
      errors: this.lflows.errors,
    };
  }
}
