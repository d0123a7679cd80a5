// The pure compiler: NB input (+ current SB keys) → the complete desired content of the SB tables
// northd owns. No I/O; the same input always yields the same output. It is a forced full run of the
// incremental engine's graph (engine/graph.ts) on a fresh engine: there is one way to build the output.
import type { DatapathBindingOut, MulticastGroupOut, PortBindingOut } from './bindings.js';
import type { Diagnostic } from './diagnostics.js';
import type { NbInput, SbKeyInput } from './input.js';
import type { LogicalFlow } from './lflow-table.js';
import { NorthdEngine } from './engine/northd-engine.js';
import type { DhcpOptionCode, SbLoadBalancerOut, SbPortGroupOut } from './stateful/index.js';
export { NORTHD_INTERNAL_VERSION } from './global-options.js';

export interface CompileOptions {
  /** Current SB content, so existing tunnel keys are kept. */
  readonly sb?: SbKeyInput;
}

export interface CompiledSb {
  readonly datapaths: readonly DatapathBindingOut[];
  readonly portBindings: readonly PortBindingOut[];
  readonly multicastGroups: readonly MulticastGroupOut[];
  readonly logicalFlows: readonly LogicalFlow[];
  /** SB Address_Set rows (name → addresses): NB sets, port groups' `_ip4/_ip6`, `svc_monitor_mac`, router VIPs. */
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
  const engine = new NorthdEngine();
  engine.recompute(nb, opts.sb);
  return engine.compiled();
}
