// The incremental engine's graph, in one place: every node, every input edge and the handler that
// brings the node up to date from that input's changes (an edge without a handler recomputes the node).
// Nodes run in the order declared here. Each computing node owns its data (engine/nodes/*.ts) and reads
// only the nodes named as its inputs. The diagram in packages/northd/README.md is generated from this
// file (graph-diagram.ts; its test fails when the two differ).
import { IncEngine, type Handler, type InputEdge, type NodeDecl } from './inc-engine.js';
import { BindingsNode } from './nodes/bindings.js';
import { ChassisFeaturesNode } from './nodes/chassis-features.js';
import { HaChassisGroupsNode } from './nodes/ha-chassis-groups.js';
import { IgmpGroupsNode } from './nodes/igmp-groups.js';
import { NbInputs, SbInputs, type EngineContext } from './nodes/inputs.js';
import { KeyedRowsNode } from './nodes/keyed-rows.js';
import { BfdNode } from './nodes/bfd.js';
import { LflowsNode } from './nodes/lflows.js';
import { LoadBalancersNode } from './nodes/load-balancers.js';
import { MetersNode } from './nodes/meters.js';
import { SyncAddrSetsNode } from './nodes/sync-addr-sets.js';
import { PortGroupsNode } from './nodes/port-groups.js';
import { RoutersNode } from './nodes/routers.js';
import { ServiceMonitorsNode } from './nodes/service-monitors.js';
import { AddressSetsNode, SbGlobalNode, SbLoadBalancersNode } from './nodes/sb-rows.js';
import { SwitchesNode } from './nodes/switches.js';
import { TopologyNode } from './nodes/topology.js';

/** The nodes, for the engine's facade (northd-engine.ts) to feed and read. */
export interface EngineGraph {
  readonly engine: IncEngine;
  readonly nb: NbInputs;
  readonly sb: SbInputs;
  readonly topology: TopologyNode;
  readonly serviceMonitors: ServiceMonitorsNode;
  readonly bindings: BindingsNode;
  readonly features: ChassisFeaturesNode;
  readonly portGroups: PortGroupsNode;
  readonly loadBalancers: LoadBalancersNode;
  readonly routers: RoutersNode;
  readonly switches: SwitchesNode;
  readonly lflows: LflowsNode;
  readonly sbLoadBalancers: SbLoadBalancersNode;
  readonly addressSets: AddressSetsNode;
  readonly sbGlobal: SbGlobalNode;
  readonly haGroups: HaChassisGroupsNode;
  readonly meters: MetersNode;
  readonly keyedRows: KeyedRowsNode;
  readonly syncAddrSets: SyncAddrSetsNode;
  readonly bfd: BfdNode;
  readonly igmpGroups: IgmpGroupsNode;
}

/** An edge from `from`, handled by `handler` (named as in the diagram). */
const on = (from: string, name: string, handler: Handler): InputEdge => ({ from, name, handler });
/** An edge without a handler: any change of `from` recomputes the node. */
const recomputeOn = (from: string): InputEdge => ({ from });

export function buildGraph(ctx: EngineContext): EngineGraph {
  const nb = new NbInputs();
  const sb = new SbInputs();
  const t = nb.tables;
  const topology = new TopologyNode(ctx, nb);
  const serviceMonitors = new ServiceMonitorsNode(nb, sb, topology);
  const loadBalancers = new LoadBalancersNode(ctx, nb, topology, serviceMonitors);
  const bindings = new BindingsNode(ctx, nb, sb, topology, loadBalancers);
  const features = new ChassisFeaturesNode(sb);
  const routers = new RoutersNode(ctx, nb, topology, bindings, loadBalancers, features, sb);
  const portGroups = new PortGroupsNode(ctx, nb, topology, bindings);
  const meters = new MetersNode(nb);
  const switches = new SwitchesNode(ctx, nb, topology, bindings, portGroups, loadBalancers, routers, features, meters);
  const igmpGroups = new IgmpGroupsNode(sb, topology, bindings);
  const lflows = new LflowsNode(routers, switches, serviceMonitors, igmpGroups);
  const sbLoadBalancers = new SbLoadBalancersNode(nb, loadBalancers, switches);
  const addressSets = new AddressSetsNode(nb, portGroups, routers);
  const syncAddrSets = new SyncAddrSetsNode(nb, addressSets);
  const sbGlobal = new SbGlobalNode(nb, bindings, features);
  const haGroups = new HaChassisGroupsNode(nb, topology);
  const keyedRows = new KeyedRowsNode(nb, topology, bindings, serviceMonitors);
  const bfd = new BfdNode(nb, topology);

  const nodes: NodeDecl[] = [
    // Input nodes: one per table the compiler reads.
    { kind: 'input', name: 'NB_global', data: t.NB_Global },
    // The NB_Global row with nb_cfg: what ovn-northd's sync_to_sb_addr_set recomputes on.
    { kind: 'input', name: 'NB_global_row', data: nb.globalRow },
    { kind: 'input', name: 'NB_logical_switch', data: t.Logical_Switch },
    { kind: 'input', name: 'NB_logical_switch_port', data: t.Logical_Switch_Port },
    { kind: 'input', name: 'NB_logical_router', data: t.Logical_Router },
    { kind: 'input', name: 'NB_logical_router_port', data: t.Logical_Router_Port },
    { kind: 'input', name: 'NB_logical_router_static_route', data: t.Logical_Router_Static_Route },
    { kind: 'input', name: 'NB_logical_router_policy', data: t.Logical_Router_Policy },
    { kind: 'input', name: 'NB_nat', data: t.NAT },
    { kind: 'input', name: 'NB_acl', data: t.ACL },
    { kind: 'input', name: 'NB_port_group', data: t.Port_Group },
    { kind: 'input', name: 'NB_address_set', data: t.Address_Set },
    { kind: 'input', name: 'NB_load_balancer', data: t.Load_Balancer },
    { kind: 'input', name: 'NB_load_balancer_group', data: t.Load_Balancer_Group },
    { kind: 'input', name: 'NB_load_balancer_health_check', data: t.Load_Balancer_Health_Check },
    { kind: 'input', name: 'NB_dhcp_options', data: t.DHCP_Options },
    { kind: 'input', name: 'NB_dns', data: t.DNS },
    { kind: 'input', name: 'NB_ha_chassis_group', data: t.HA_Chassis_Group },
    { kind: 'input', name: 'NB_ha_chassis', data: t.HA_Chassis },
    { kind: 'input', name: 'NB_gateway_chassis', data: t.Gateway_Chassis },
    { kind: 'input', name: 'NB_meter', data: t.Meter },
    { kind: 'input', name: 'NB_meter_band', data: t.Meter_Band },
    { kind: 'input', name: 'NB_mirror', data: t.Mirror },
    { kind: 'input', name: 'NB_static_mac_binding', data: t.Static_MAC_Binding },
    { kind: 'input', name: 'NB_chassis_template_var', data: t.Chassis_Template_Var },
    { kind: 'input', name: 'NB_bfd', data: t.BFD },
    { kind: 'input', name: 'NB_copp', data: t.Copp },
    { kind: 'input', name: 'SB_datapath_binding', data: sb.tables.Datapath_Binding },
    { kind: 'input', name: 'SB_port_binding', data: sb.tables.Port_Binding },
    { kind: 'input', name: 'SB_chassis', data: sb.tables.Chassis },
    { kind: 'input', name: 'SB_encap', data: sb.tables.Encap },
    { kind: 'input', name: 'SB_service_monitor', data: sb.tables.Service_Monitor },
    { kind: 'input', name: 'SB_igmp_group', data: sb.tables.IGMP_Group },
    {
      kind: 'node',
      name: 'topology',
      data: topology,
      inputs: [
        on('NB_logical_switch', 'onSwitch', () => topology.onSwitch()),
        on('NB_logical_switch_port', 'onSwitchPort', () => topology.onSwitchPort()),
        on('NB_logical_router', 'onRouter', () => topology.onRouter()),
        on('NB_logical_router_port', 'onRouterPort', () => topology.onRouterPort()),
        on('NB_logical_router_static_route', 'onStaticRoute', () => topology.onStaticRoute()),
        on('NB_logical_router_policy', 'onPolicy', () => topology.onPolicy()),
        on('NB_nat', 'onNat', () => topology.onNat()),
        on('NB_global', 'onGlobal', () => topology.onGlobal()),
      ],
    },
    {
      kind: 'node',
      name: 'service_monitors',
      data: serviceMonitors,
      inputs: [
        on('topology', 'onTopology', () => serviceMonitors.onTopology()),
        on('NB_load_balancer', 'onLoadBalancer', () => serviceMonitors.onLoadBalancer()),
        on('NB_load_balancer_health_check', 'onHealthCheck', () => serviceMonitors.onHealthCheck()),
        on('NB_global', 'onGlobal', () => serviceMonitors.onGlobal()),
        on('SB_service_monitor', 'onStatus', () => serviceMonitors.onStatus()),
      ],
    },
    {
      kind: 'node',
      name: 'load_balancers',
      data: loadBalancers,
      inputs: [
        on('topology', 'onTopology', () => loadBalancers.onTopology()),
        on('service_monitors', 'onServiceMonitors', () => loadBalancers.onServiceMonitors()),
        on('NB_load_balancer', 'onLoadBalancer', () => loadBalancers.onLoadBalancer()),
        on('NB_load_balancer_group', 'onLoadBalancerGroup', () => loadBalancers.onLoadBalancerGroup()),
        on('NB_global', 'onGlobal', () => loadBalancers.onGlobal()),
      ],
    },
    {
      kind: 'node',
      name: 'bindings',
      data: bindings,
      inputs: [
        on('topology', 'onTopology', () => bindings.onTopology()),
        // Router-type switch ports' nat_addresses name the peer router's NAT and VIP addresses.
        on('NB_nat', 'onNat', () => bindings.onNat()),
        on('load_balancers', 'onLoadBalancers', () => bindings.onLoadBalancers()),
        // Rows written by anyone but us make the daemon recompute everything (but virtual port claims).
        recomputeOn('SB_datapath_binding'),
        on('SB_port_binding', 'onPortBinding', () => bindings.onPortBinding()),
        on('SB_chassis', 'onChassis', () => bindings.onChassis()),
        on('SB_encap', 'onEncaps', () => bindings.onEncaps()),
        on('NB_ha_chassis_group', 'onHaChassisGroup', () => bindings.onHaChassisGroup()),
      ],
    },
    {
      kind: 'node',
      name: 'chassis_features',
      data: features,
      inputs: [on('SB_chassis', 'onChassis', () => features.onChassis())],
    },
    // Routers read no port group: computed first, their flows reach a streaming writer sooner.
    {
      kind: 'node',
      name: 'routers',
      data: routers,
      inputs: [
        on('topology', 'onTopology', () => routers.onTopology()),
        on('bindings', 'onBindings', () => routers.onBindings()),
        on('load_balancers', 'onLoadBalancers', () => routers.onLoadBalancers()),
        on('NB_nat', 'onNat', () => routers.onNat()),
        on('NB_address_set', 'onAddressSet', () => routers.onAddressSet()),
        // Control plane protection: which meters the routers' controller-bound flows carry.
        on('NB_copp', 'onCopp', () => routers.onCopp()),
        on('NB_meter', 'onMeters', () => routers.onMeters()),
        on('NB_bfd', 'onBfd', () => routers.onBfd()),
        // The conntrack dialect of every flow: rare, and it changes them all.
        recomputeOn('chassis_features'),
        // Virtual ports' bindings (virtual_parent, chassis) decide their resolution on the facing router ports.
        on('SB_port_binding', 'onPortBinding', () => routers.onPortBinding()),
      ],
    },
    {
      kind: 'node',
      name: 'port_groups',
      data: portGroups,
      inputs: [
        on('topology', 'onTopology', () => portGroups.onTopology()),
        on('bindings', 'onBindings', () => portGroups.onBindings()),
        on('NB_logical_switch_port', 'onSwitchPort', () => portGroups.onSwitchPort()),
        on('NB_port_group', 'onPortGroup', () => portGroups.onPortGroup()),
      ],
    },
    {
      kind: 'node',
      name: 'meters',
      data: meters,
      inputs: [
        on('NB_meter', 'onMeters', () => meters.onMeters()),
        on('NB_meter_band', 'onMeters', () => meters.onMeters()),
        on('NB_acl', 'onAcl', () => meters.onAcl()),
      ],
    },
    {
      kind: 'node',
      name: 'switches',
      data: switches,
      inputs: [
        on('topology', 'onTopology', () => switches.onTopology()),
        on('bindings', 'onBindings', () => switches.onBindings()),
        on('load_balancers', 'onLoadBalancers', () => switches.onLoadBalancers()),
        on('routers', 'onRouters', () => switches.onRouters()),
        on('port_groups', 'onPortGroups', () => switches.onPortGroups()),
        on('NB_acl', 'onAcl', () => switches.onAcl()),
        on('NB_dhcp_options', 'onDhcpOptions', () => switches.onDhcpOptions()),
        on('NB_dns', 'onDns', () => switches.onDns()),
        recomputeOn('chassis_features'),
        on('NB_global', 'onGlobal', () => switches.onGlobal()),
        // Which meters are fair decides the meter every logging ACL names: rare, recomputes.
        on('meters', 'onMeters', () => switches.onMeters()),
        on('NB_copp', 'onCopp', () => switches.onCopp()),
      ],
    },
    {
      kind: 'node',
      name: 'igmp_groups',
      data: igmpGroups,
      inputs: [
        on('topology', 'onTopology', () => igmpGroups.onTopology()),
        on('bindings', 'onBindings', () => igmpGroups.onBindings()),
        // The groups ovn-controller learns: their Multicast_Group rows and flows, never a recompute.
        on('SB_igmp_group', 'onIgmpGroups', () => igmpGroups.onIgmpGroups()),
      ],
    },
    {
      kind: 'node',
      name: 'lflows',
      data: lflows,
      inputs: [
        on('routers', 'onRouters', () => lflows.onRouters()),
        on('switches', 'onSwitches', () => lflows.onSwitches()),
        on('service_monitors', 'onServiceMonitors', () => lflows.onServiceMonitors()),
        on('igmp_groups', 'onIgmpGroups', () => lflows.onIgmpGroups()),
      ],
    },
    {
      kind: 'node',
      name: 'sb_load_balancers',
      data: sbLoadBalancers,
      inputs: [
        on('load_balancers', 'onLoadBalancers', () => sbLoadBalancers.onLoadBalancers()),
        on('switches', 'onSwitches', () => sbLoadBalancers.onSwitches()),
      ],
    },
    {
      kind: 'node',
      name: 'address_sets',
      data: addressSets,
      inputs: [
        on('NB_global', 'onGlobal', () => addressSets.onGlobal()),
        on('NB_address_set', 'onAddressSet', () => addressSets.onAddressSet()),
        on('port_groups', 'onPortGroups', () => addressSets.onPortGroups()),
        on('routers', 'onRouters', () => addressSets.onRouters()),
      ],
    },
    {
      kind: 'node',
      name: 'sync_to_sb_addr_set',
      data: syncAddrSets,
      exactRecompute: true,
      inputs: [
        on('NB_address_set', 'onNbAddressSet', () => syncAddrSets.onNbAddressSet()),
        on('NB_port_group', 'onNbPortGroup', () => syncAddrSets.onNbPortGroup()),
        // ovn-northd's `northd` node: any change of the flows' inputs, or of NB_Global.
        recomputeOn('port_groups'),
        recomputeOn('routers'),
        recomputeOn('NB_global_row'),
        on('address_sets', 'onAddressSets', () => syncAddrSets.onAddressSets()),
      ],
    },
    {
      kind: 'node',
      name: 'sb_global',
      data: sbGlobal,
      inputs: [
        on('NB_global', 'onGlobal', () => sbGlobal.onGlobal()),
        on('bindings', 'onBindings', () => sbGlobal.onBindings()),
        on('chassis_features', 'onFeatures', () => sbGlobal.onGlobal()),
      ],
    },
    {
      kind: 'node',
      name: 'ha_chassis_groups',
      data: haGroups,
      inputs: [
        on('topology', 'onTopology', () => haGroups.onTopology()),
        on('NB_ha_chassis_group', 'onGroups', () => haGroups.onGroups()),
        on('NB_ha_chassis', 'onGroups', () => haGroups.onGroups()),
        on('NB_gateway_chassis', 'onGroups', () => haGroups.onGroups()),
        on('SB_chassis', 'onChassis', () => haGroups.onChassis()),
      ],
    },
    {
      kind: 'node',
      name: 'keyed_rows',
      data: keyedRows,
      inputs: [
        on('NB_mirror', 'onMirror', () => keyedRows.onMirror()),
        on('NB_static_mac_binding', 'onStaticMacBinding', () => keyedRows.onStaticMacBinding()),
        on('NB_chassis_template_var', 'onTemplateVar', () => keyedRows.onTemplateVar()),
        on('NB_dns', 'onDns', () => keyedRows.onDns()),
        on('topology', 'onTopology', () => keyedRows.onTopology()),
        on('bindings', 'onBindings', () => keyedRows.onBindings()),
        on('service_monitors', 'onServiceMonitors', () => keyedRows.onServiceMonitors()),
      ],
    },
    {
      kind: 'node',
      name: 'bfd',
      data: bfd,
      inputs: [on('NB_bfd', 'onBfd', () => bfd.onBfd()), on('topology', 'onTopology', () => bfd.onTopology())],
    },
  ];
  return {
    engine: new IncEngine(nodes),
    nb,
    sb,
    topology,
    serviceMonitors,
    bindings,
    features,
    portGroups,
    loadBalancers,
    routers,
    switches,
    lflows,
    sbLoadBalancers,
    addressSets,
    sbGlobal,
    haGroups,
    meters,
    keyedRows,
    syncAddrSets,
    bfd,
    igmpGroups,
  };
}
