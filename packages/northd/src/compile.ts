// The pure compiler: NB input (+ current SB keys) → the complete desired content of the SB tables
// northd owns. No I/O; the same input always yields the same output, in the same order.
import {
  buildBindings,
  vxlanMode,
  type DatapathBindingOut,
  type MulticastGroupOut,
  type PortBindingOut,
} from './bindings.js';
import { Diagnostics, type Diagnostic } from './diagnostics.js';
import type { NbInput, SbKeyInput } from './input.js';
import { LflowTable, type LogicalFlow } from './lflow-table.js';
import { buildRouterFlows } from './router-flows.js';
import { buildSwitchFlows } from './switch-flows.js';
import { buildTopology } from './topology.js';
import { sbGlobalOptions as globalOptionsFor } from './global-options.js';
export { NORTHD_INTERNAL_VERSION } from './global-options.js';
import { routersWithDistributedNat } from './stateful/gateway-bindings.js';
import {
  DHCPV4_OPTION_CODES,
  DHCPV6_OPTION_CODES,
  Stateful,
  type DhcpOptionCode,
  type SbLoadBalancerOut,
  type SbPortGroupOut,
} from './stateful/index.js';

/** `$svc_monitor_mac` in switch flows resolves through an SB address set of that name. */
function addressSets(nb: NbInput): { name: string; addresses: string[] }[] {
  const mac = [...nb.NB_Global.values()][0]?.options['svc_monitor_mac'];
  return [{ name: 'svc_monitor_mac', addresses: mac ? [mac] : [] }];
}

function sbGlobalOptions(nb: NbInput, sb: SbKeyInput | undefined): Record<string, string> {
  return globalOptionsFor([...nb.NB_Global.values()][0]?.options ?? {}, vxlanMode(sb));
}

export interface CompileOptions {
  /** Current SB content, so existing tunnel keys are kept. */
  readonly sb?: SbKeyInput;
}

export interface CompiledSb {
  readonly datapaths: readonly DatapathBindingOut[];
  readonly portBindings: readonly PortBindingOut[];
  readonly multicastGroups: readonly MulticastGroupOut[];
  readonly logicalFlows: readonly LogicalFlow[];
  /** SB Address_Set rows (name → addresses); for now the `svc_monitor_mac` set the flows refer to. */
  readonly addressSets: readonly { readonly name: string; readonly addresses: readonly string[] }[];
  /** SB Port_Group rows: one per (port group, switch with members), named `<dp key>_<group>`. */
  readonly portGroups: readonly SbPortGroupOut[];
  /** SB Load_Balancer rows for the load balancers applied to switches. */
  readonly loadBalancers: readonly SbLoadBalancerOut[];
  /** SB DHCP_Options / DHCPv6_Options: the option vocabulary put_dhcp_opts/put_dhcpv6_opts parse. */
  readonly dhcpOptions: readonly DhcpOptionCode[];
  readonly dhcpv6Options: readonly DhcpOptionCode[];
  /** SB_Global.options: NB_Global.options plus what northd publishes (max_tunid, internal version). */
  readonly sbGlobalOptions: Readonly<Record<string, string>>;
  readonly diagnostics: readonly Diagnostic[];
}

export function compile(nb: NbInput, opts: CompileOptions = {}): CompiledSb {
  const diag = new Diagnostics();
  const topo = buildTopology(nb, diag);
  const bindings = buildBindings(topo, opts.sb, diag, routersWithDistributedNat(nb));
  const flows = new LflowTable();
  const stateful = new Stateful(nb, topo, diag, bindings.dpKeys);
  for (const sw of topo.switches) {
    if (!bindings.dpKeys.has(sw.uuid)) continue;
    buildSwitchFlows(sw, flows, stateful.flags(sw));
    stateful.buildSwitchFlows(sw, flows);
  }
  for (const lr of topo.routers) {
    if (!bindings.dpKeys.has(lr.uuid)) continue;
    const nat = stateful.routerNat(lr);
    buildRouterFlows(lr, flows, nat);
    stateful.buildRouterFlows(lr, nat, flows);
  }
  return {
    datapaths: bindings.datapaths,
    portBindings: bindings.ports,
    multicastGroups: bindings.multicastGroups,
    logicalFlows: flows.toArray(),
    sbGlobalOptions: sbGlobalOptions(nb, opts.sb),
    addressSets: [...addressSets(nb), ...stateful.addressSets()],
    portGroups: stateful.portGroups(bindings.dpKeys),
    loadBalancers: stateful.loadBalancers(),
    dhcpOptions: DHCPV4_OPTION_CODES,
    dhcpv6Options: DHCPV6_OPTION_CODES,
    diagnostics: diag.list,
  };
}
