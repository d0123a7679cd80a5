// What the compiler produces: the complete desired content of the SB tables northd owns, and the options
// of one run. Types only, so the engine and the compiler can both name them without a cycle.
import type { DatapathBindingOut, MulticastGroupOut, PortBindingOut } from './bindings.js';
import type { Diagnostic } from './diagnostics.js';
import type { HaGroupOut } from './ha-chassis-groups.js';
import type { SbKeyInput } from './input.js';
import type { LogicalFlow } from './lflow-table.js';
import type { SbMeterOut } from './stateful/meters.js';
import type { DhcpOptionCode, SbLoadBalancerOut, SbPortGroupOut } from './stateful/index.js';
import type { KeyedRows } from './sync/keyed-rows.js';
import type { BfdInput } from './sync/bfd.js';

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
  /** SB Meter rows: the NB meters and each logging ACL's copy of a fair one (stateful/meters.ts). */
  readonly meters: readonly SbMeterOut[];
  /** SB DHCP_Options / DHCPv6_Options: the option vocabulary put_dhcp_opts/put_dhcpv6_opts parse. */
  readonly dhcpOptions: readonly DhcpOptionCode[];
  readonly dhcpv6Options: readonly DhcpOptionCode[];
  /** SB HA_Chassis_Group rows with their HA_Chassis members. */
  readonly haChassisGroups: readonly HaGroupOut[];
  /** SB_Global.options: NB_Global.options plus what northd publishes (max_tunid, internal version). */
  readonly sbGlobalOptions: Readonly<Record<string, string>>;
  /** Mirror, Static_MAC_Binding, Chassis_Template_Var and IP_Multicast rows, by key (sync/keyed-rows.ts). */
  readonly keyedRows: KeyedRows;
  /** NB Mirror UUID → name: Port_Binding.mirror_rules point at the SB Mirror of that name. */
  readonly mirrorNames: ReadonlyMap<string, string>;
  /** The NB BFD sessions and those a route uses: SB BFD rows and the sessions' status (sync/bfd.ts). */
  readonly bfd: BfdInput;
  readonly diagnostics: readonly Diagnostic[];
}
