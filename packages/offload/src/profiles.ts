// NIC offload profiles as data. Each rule says whether a datapath action or megaflow match trait can be
// offloaded, and cites where the fact comes from. "partial" means the flow is offloaded but some packets of
// it stay in software (e.g. conntrack entries are pushed to hardware only once a connection is established).
import type { DpAction, MatchTrait } from './datapath.js';
import { UnknownProfileError } from './errors.js';

export type Support = 'full' | 'partial' | 'none';

/** Which layer refuses (or limits) the offload: OVS's slow path, the OVS offload provider, the NIC, the kernel. */
export type Layer = 'ovs-slow-path' | 'ovs-provider' | 'vendor' | 'kernel';

export interface Rule {
  readonly support: Support;
  /** 'ovs-provider' when absent. */
  readonly layer?: Layer;
  /** Why, in one line, for reports. */
  readonly note: string;
  /** Where the fact comes from (file/function of OVS v3.1.0, or vendor documentation). */
  readonly source: string;
}

/**
 * Keys for action rules: the action kind, refined where providers differ:
 * `set:<target>`, `ct:nat`, `ct:helper`, `userspace:<why>`.
 */
export type ActionKey = string;

export interface NicProfile {
  readonly id: ProfileId;
  readonly title: string;
  /** Other names accepted by `--profile`. */
  readonly aliases: readonly string[];
  /** Which OVS offload provider the profile rides on. */
  readonly provider: 'tc' | 'rte_flow';
  readonly actions: Readonly<Record<ActionKey, Rule>>;
  readonly matches: Readonly<Partial<Record<MatchTrait, Rule>>>;
  /** Rule for action keys not listed (OVS refuses unknown actions). */
  readonly otherAction: Rule;
  /**
   * rte_flow only: when actions cannot be offloaded but the match can, OVS installs MARK+RSS so the
   * classification is done in hardware and the actions on the CPU.
   */
  readonly markRssFallback: boolean;
  /**
   * How conntrack treats a new connection's packets: the datapath rule is offloaded, but the connection
   * is not in the NIC until the kernel marks it established, so these packets run in software.
   */
  readonly ctNew?: Rule;
  /** Vendor limit on conntrack actions in one datapath rule (mlx5: one). */
  readonly maxCtPerRule?: { readonly n: number; readonly rule: Rule };
  /** Deployment prerequisites reported with the verdicts. */
  readonly requirements: readonly string[];
}

export const PROFILE_IDS = ['tc-flower', 'mlx5-cx5', 'mlx5-cx6dx', 'dpdk-rte-flow'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];

const TC = 'OVS v3.1.0 lib/netdev-offload-tc.c';
const TC_ACTIONS = `${TC} netdev_tc_parse_nl_actions()`;
const TC_SET = `${TC} set_flower_map[] / parse_put_flow_set_action()`;
const TC_MATCH = `${TC} test_key_and_mask()`;
const TC_CT = `${TC} parse_put_flow_ct_action()`;
const DPDK = 'OVS v3.1.0 lib/netdev-offload-dpdk.c';
const DPDK_ACTIONS = `${DPDK} parse_flow_actions()`;
const DPDK_MATCH = `${DPDK} parse_flow_match()`;
const KUBEOVN = 'Kube-OVN docs "Offload with Mellanox" (kubeovn.github.io/docs/stable/en/advance/offload-mellanox)';
const NV_ASAP = 'NVIDIA MLNX_OFED/DOCA docs "OVS Offload Using ASAP² Direct"';
const NV_BF = 'NVIDIA DOCA docs "Virtual Switch on BlueField"';

const full = (note: string, source: string): Rule => ({ support: 'full', note, source });
const partial = (note: string, source: string): Rule => ({ support: 'partial', note, source });
const none = (note: string, source: string): Rule => ({ support: 'none', note, source });

/** The generic kernel TC flower provider of OVS 3.1: what it translates, what it refuses. */
const TC_ACTION_RULES: Record<ActionKey, Rule> = {
  output: full('output to a port on the same offload provider', TC_ACTIONS),
  drop: full('drop (goto chain 0)', TC_ACTIONS),
  push_vlan: full('vlan push', TC_ACTIONS),
  pop_vlan: full('vlan pop', TC_ACTIONS),
  push_mpls: full('mpls push', TC_ACTIONS),
  pop_mpls: full('mpls pop', TC_ACTIONS),
  'set:eth': full('pedit of eth src/dst', TC_SET),
  'set:ipv4': full('pedit of ipv4 src/dst/ttl/tos', TC_SET),
  'set:ipv6': full('pedit of ipv6 src/dst/hlimit/tclass', TC_SET),
  'set:tcp': full('pedit of tcp ports', TC_SET),
  'set:udp': full('pedit of udp ports', TC_SET),
  'set:tunnel': full('tunnel_key set (encap), incl. Geneve options', `${TC} parse_put_flow_set_action()`),
  'set:sctp': none('TC pedit has no SCTP rewrite', TC_SET),
  'set:skb_mark': none('skb_mark rewrite is not translated', TC_SET),
  'set:skb_priority': none('skb_priority rewrite is not translated', TC_SET),
  'set:other': none('unsupported set action type', TC_SET),
  ct: full('tc act_ct: the conntrack lookup of an established connection runs in the NIC', TC_CT),
  'ct:nat': full(
    'tc act_ct with NAT: an established connection is translated in the NIC',
    `${TC} parse_put_flow_nat_action()`,
  ),
  'ct:helper': none('ct helpers (ALGs) are refused by tc-ct', TC_CT),
  ct_clear: full('ct clear', TC_ACTIONS),
  recirc: full('recirculation maps to a tc chain (goto chain); needs recirc_id sharing with tc', TC_ACTIONS),
  meter: full('meter maps to a police action (needs meter offload)', TC_ACTIONS),
  check_pkt_len: full(
    'police mtu with jumps; both branches must themselves be offloadable',
    `${TC} parse_check_pkt_len_action()`,
  ),
  hash: none(
    'no dp_hash/hash action in TC flower: OVN load balancers (select groups with selection_method=dp_hash) stay in software',
    TC_ACTIONS,
  ),
  'userspace:controller': none('packets to ovn-controller (userspace action) are never offloaded', TC_ACTIONS),
  'userspace:slow_path': none('slow-path userspace action', TC_ACTIONS),
  'userspace:sample': none('sFlow/IPFIX sampling via userspace action is not offloaded in OVS 3.1', TC_ACTIONS),
  'userspace:other': none('userspace action', TC_ACTIONS),
  clone: none('clone is not translated by the TC provider in OVS 3.1', TC_ACTIONS),
  sample: none('sample is not translated by the TC provider in OVS 3.1', TC_ACTIONS),
  trunc: none('trunc is not translated', TC_ACTIONS),
  tnl_push: none('tnl_push is a userspace-datapath action; the kernel datapath uses set(tunnel)', TC_ACTIONS),
  tnl_pop: none('tnl_pop is a userspace-datapath action', TC_ACTIONS),
  other: none('unsupported put action type', TC_ACTIONS),
};

const TC_MATCH_RULES: Partial<Record<MatchTrait, Rule>> = {
  recirc_id: full('recirc_id maps to the tc chain', `${TC} netdev_tc_flow_put()`),
  ct_state: full(
    'ct_state/zone/mark/label map to flower ct keys (needs kernel ct_state support)',
    `${TC} parse_match_ct_state_to_flower()`,
  ),
  dp_hash: none('matching dp_hash is refused ("offloading attribute dp_hash isn\'t supported")', TC_MATCH),
  arp: full('flower matches ARP op/sha/tha/spa/tpa', `${TC} netdev_tc_flow_put()`),
  nd: none('IPv6 ND target/sll/tll have no flower key', TC_MATCH),
  tunnel: full('flower matches tunnel outer headers and key', `${TC} netdev_tc_flow_put()`),
  tun_metadata: full('flower matches Geneve TLV options', `${TC} flower_match_to_tun_opt()`),
  ipv6_frag: none('IPv6 fragments are refused', TC_MATCH),
  pkt_mark: none('matching pkt_mark is refused', TC_MATCH),
};

/** act_ct: the rule is offloaded, the connection only once the kernel has it established (TCP) or assured (UDP). */
const CT_NEW = {
  support: 'partial',
  layer: 'kernel',
  note: "a new connection's packets miss in the NIC and go through software conntrack (act_ct offloads a connection to the NIC flow table only once it is established / assured)",
  source:
    'Linux net/sched/act_ct.c (tcf_ct_flow_table_process_conn); OVS v3.1.0 lib/netdev-offload-tc.c parse_put_flow_ct_action()',
} as const satisfies Rule;

const MLX_ONE_CT = {
  n: 1,
  rule: {
    support: 'none',
    layer: 'vendor',
    note: 'mlx5 offloads one ct action per rule ("Only one ct action supported"): a pass that commits in one zone and looks up the next zone stays in software',
    source: `Linux drivers/net/ethernet/mellanox/mlx5/core (tc ct action parsing); ${NV_ASAP}`,
  },
} as const;

// CT-NAT by NIC generation: mlx5 does not gate it on the generation. The driver writes a connection's NAT as
// modify-header rewrites of that connection's CT entry rule, and refuses CT offload as a whole (NAT included)
// only on missing firmware capabilities, which ConnectX-5 and later have; so CX5 and CX6 Dx/CX7/BlueField
// state the same rule, and the capability check is a deployment requirement below.
const MLX_TC_CT = 'Linux drivers/net/ethernet/mellanox/mlx5/core/en/tc_ct.c';
const MLX_CT_NAT = full(
  'CT-NAT offload: the NAT of an established connection is a header rewrite of its CT entry rule in the eSwitch',
  `${TC_CT}; ${MLX_TC_CT} mlx5_tc_ct_entry_create_nat() (modify-header), mlx5_tc_ct_init_check_esw_support() (capabilities, no generation check); ${NV_ASAP}`,
);

const TC_REQ = [
  'other_config:hw-offload=true on Open_vSwitch, restart ovs-vswitchd',
  'kernel datapath (datapath_type=system) with TC flower; tc-policy none or skip_sw for hardware only',
];

const MLX_REQ = [
  ...TC_REQ,
  `eswitch in switchdev mode, kernel >= 5.7 (${KUBEOVN})`,
  `uplink must not be in a Linux bond unless VF LAG (active-backup, XOR, LACP) is configured (${KUBEOVN}; ${NV_ASAP})`,
  `firmware with CT offload capabilities (ignore_flow_level, modify header + forward to table); else the kernel logs "tc ct offload not supported" and every ct/ct(nat) pass stays in software (${MLX_TC_CT})`,
  'verify with `ovs-appctl dpctl/dump-flows type=offloaded` (offloaded:yes, dp:tc)',
];

const LB_NOTE = `ConnectX cannot offload dp_hash/hash, so OVN load-balancer (select group) traffic stays in software; documented fix: disable the OVN LB for these ports (${KUBEOVN})`;

const tcFlower: NicProfile = {
  id: 'tc-flower',
  title: 'Generic TC flower (OVS 3.1 kernel datapath offload)',
  aliases: ['tc'],
  provider: 'tc',
  actions: TC_ACTION_RULES,
  matches: TC_MATCH_RULES,
  otherAction: none('unsupported put action type', TC_ACTIONS),
  markRssFallback: false,
  ctNew: CT_NEW,
  requirements: TC_REQ,
};

const cx6dx: NicProfile = {
  id: 'mlx5-cx6dx',
  title: 'NVIDIA ConnectX-6 Dx / ConnectX-7 / BlueField-2 / BlueField-3 (ASAP² over TC flower)',
  aliases: ['mlx5-cx7', 'cx6dx', 'cx7', 'bluefield-2', 'bluefield-3', 'bf2', 'bf3'],
  provider: 'tc',
  actions: {
    ...TC_ACTION_RULES,
    hash: none(LB_NOTE, `${TC_ACTIONS}; ${KUBEOVN}`),
    ct: full('CT offload: established connections are looked up in the eSwitch', `${TC_CT}; ${NV_ASAP}`),
    'ct:nat': MLX_CT_NAT,
  },
  matches: {
    ...TC_MATCH_RULES,
    ipv6_frag: none('IPv6 fragments are not TC-offloaded', `${TC_MATCH}; ${NV_BF}`),
  },
  otherAction: none('unsupported put action type', TC_ACTIONS),
  markRssFallback: false,
  ctNew: CT_NEW,
  maxCtPerRule: MLX_ONE_CT,
  requirements: MLX_REQ,
};

const cx5: NicProfile = {
  id: 'mlx5-cx5',
  title: 'NVIDIA ConnectX-5 (ASAP² over TC flower)',
  aliases: ['cx5'],
  provider: 'tc',
  actions: {
    ...cx6dx.actions,
    meter: none('OVS metering offload needs ConnectX-6 Dx or later', NV_ASAP),
  },
  matches: {
    ...cx6dx.matches,
    tun_metadata: none('Geneve TLV option matching needs the ConnectX-6 Dx flex parser', NV_ASAP),
  },
  otherAction: none('unsupported put action type', TC_ACTIONS),
  markRssFallback: false,
  ctNew: CT_NEW,
  maxCtPerRule: MLX_ONE_CT,
  requirements: MLX_REQ,
};

const dpdkNo = (note: string) => none(note, DPDK_ACTIONS);

const dpdk: NicProfile = {
  id: 'dpdk-rte-flow',
  title: 'DPDK rte_flow (OVS 3.1 netdev-offload-dpdk; e.g. Yunsilicon metaScale)',
  aliases: ['dpdk', 'rte-flow', 'metascale'],
  provider: 'rte_flow',
  actions: {
    output: full('PORT_ID/REPRESENTED_PORT to a port of the same eSwitch', `${DPDK} add_output_action()`),
    drop: full('DROP action', DPDK_ACTIONS),
    push_vlan: full('OF_PUSH_VLAN + SET_VLAN_VID/PCP', `${DPDK} parse_vlan_push_action()`),
    pop_vlan: full('OF_POP_VLAN', DPDK_ACTIONS),
    'set:eth': full('SET_MAC_SRC/DST', `${DPDK} parse_set_actions()`),
    'set:ipv4': full('SET_IPV4_SRC/DST/TTL', `${DPDK} parse_set_actions()`),
    'set:ipv6': full('SET_IPV6_SRC/DST/HOP', `${DPDK} parse_set_actions()`),
    'set:tcp': full('SET_TP_SRC/DST', `${DPDK} parse_set_actions()`),
    'set:udp': full('SET_TP_SRC/DST', `${DPDK} parse_set_actions()`),
    tnl_push: full('RAW_ENCAP (tunnel push), also inside a final clone', `${DPDK} add_tunnel_push_action()`),
    tnl_pop: partial(
      'tunnel pop needs the experimental packet-restoration API and is VXLAN only',
      `${DPDK} add_tnl_pop_action()`,
    ),
    ct: dpdkNo('conntrack is not offloaded by rte_flow in OVS 3.1'),
    'ct:nat': dpdkNo('conntrack/NAT is not offloaded by rte_flow in OVS 3.1'),
    'ct:helper': dpdkNo('conntrack is not offloaded by rte_flow in OVS 3.1'),
    ct_clear: dpdkNo('ct_clear is not offloaded by rte_flow in OVS 3.1'),
    recirc: dpdkNo('recirculation is not offloaded by rte_flow in OVS 3.1'),
    hash: dpdkNo('dp_hash (OVN load balancer select groups) is not offloaded by rte_flow in OVS 3.1'),
    check_pkt_len: dpdkNo('check_pkt_len is not offloaded by rte_flow in OVS 3.1'),
    meter: dpdkNo('meters are not offloaded by rte_flow in OVS 3.1'),
    'userspace:controller': dpdkNo('packets to ovn-controller stay on the CPU'),
    'userspace:slow_path': dpdkNo('slow-path userspace action'),
    'userspace:sample': dpdkNo('sampling stays on the CPU'),
    'userspace:other': dpdkNo('userspace action'),
    'set:tunnel': full(
      'tunnel encap (tnl_push on the userspace datapath) as RAW_ENCAP',
      `${DPDK} add_tunnel_push_action()`,
    ),
  },
  matches: {
    recirc_id: none('only recirc_id=0 flows are offloaded ("recirc id must be zero")', DPDK_MATCH),
    ct_state: none('ct_state/zone/mark/label are not consumed by the rte_flow pattern', DPDK_MATCH),
    dp_hash: none('dp_hash is not consumed by the rte_flow pattern', DPDK_MATCH),
    arp: none('ARP fields are not consumed by the rte_flow pattern', DPDK_MATCH),
    nd: none('ND fields are not consumed by the rte_flow pattern', DPDK_MATCH),
    tunnel: partial(
      'tunnel matches need the experimental packet-restoration API, VXLAN only',
      `${DPDK} parse_flow_tnl_match()`,
    ),
    tun_metadata: none('Geneve options are not matched by rte_flow in OVS 3.1', `${DPDK} parse_flow_tnl_match()`),
    ipv6_frag: full('IPv6 fragment extension header item', DPDK_MATCH),
    pkt_mark: none('pkt_mark is not consumed by the rte_flow pattern', DPDK_MATCH),
  },
  otherAction: dpdkNo('unsupported action type'),
  markRssFallback: true,
  requirements: [
    'other_config:hw-offload=true and a userspace (netdev) datapath with DPDK ports of one eSwitch',
    'when actions cannot be offloaded OVS falls back to MARK+RSS (classification in hardware, actions on the CPU)',
  ],
};

export const PROFILES: Readonly<Record<ProfileId, NicProfile>> = {
  'tc-flower': tcFlower,
  'mlx5-cx5': cx5,
  'mlx5-cx6dx': cx6dx,
  'dpdk-rte-flow': dpdk,
};

/** Resolve a profile by id or alias; throws UnknownProfileError. */
export function getProfile(name: string): NicProfile {
  const key = name.toLowerCase();
  for (const p of Object.values(PROFILES)) if (p.id === key || p.aliases.includes(key)) return p;
  throw new UnknownProfileError(name, PROFILE_IDS);
}

/** The rule key for an action: refined for set/ct/userspace. */
export function actionKey(a: DpAction): ActionKey {
  switch (a.kind) {
    case 'set':
      return `set:${a.target}`;
    case 'ct':
      return a.helper ? 'ct:helper' : a.nat ? 'ct:nat' : 'ct';
    case 'userspace':
      return `userspace:${a.why}`;
    default:
      return a.kind;
  }
}

/** The whole datapath flow is userspace(slow_path): no provider sees it. */
export const SLOW_PATH_RULE: Rule = {
  support: 'none',
  layer: 'ovs-slow-path',
  note: 'OVS keeps this flow on its userspace slow path: it rewrites ARP/ND/ICMP fields, which no datapath action can, so the datapath flow is userspace(slow_path) and no offload provider ever sees it',
  source:
    'OVS v3.1.0 lib/odp-util.c commit_set_arp_action() / commit_set_icmp_action() / commit_set_nd_action() return SLOW_ACTION',
};

export const SLOW_PATH_OTHER_RULE: Rule = {
  ...SLOW_PATH_RULE,
  note: 'OVS keeps this flow on its userspace slow path (see ofproto/trace), so no offload provider sees it',
  source: 'OVS v3.1.0 ofproto/ofproto-dpif-upcall.c (slow_path_reason)',
};

export function actionRule(p: NicProfile, a: DpAction): Rule {
  return p.actions[actionKey(a)] ?? p.otherAction;
}

/** Match traits not listed are supported by the provider. */
export function matchRule(p: NicProfile, t: MatchTrait): Rule {
  return p.matches[t] ?? full('matched by the provider', p.provider === 'tc' ? TC : DPDK);
}
