// The OVN 23.03 logical pipeline stages, declared once: datapath kind, pipeline, table number, name.
// Logical_Flow.table_id is the table number; ovn-controller maps it to OpenFlow tables itself.

export type DatapathKind = 'switch' | 'router';
export type Pipeline = 'ingress' | 'egress';

export interface Stage {
  readonly name: StageName;
  readonly kind: DatapathKind;
  readonly pipeline: Pipeline;
  readonly table: number;
}

const LS_IN = [
  'ls_in_check_port_sec',
  'ls_in_apply_port_sec',
  'ls_in_lookup_fdb',
  'ls_in_put_fdb',
  'ls_in_pre_acl',
  'ls_in_pre_lb',
  'ls_in_pre_stateful',
  'ls_in_acl_hint',
  'ls_in_acl',
  'ls_in_qos_mark',
  'ls_in_qos_meter',
  'ls_in_lb_aff_check',
  'ls_in_lb',
  'ls_in_lb_aff_learn',
  'ls_in_pre_hairpin',
  'ls_in_nat_hairpin',
  'ls_in_hairpin',
  'ls_in_acl_after_lb',
  'ls_in_stateful',
  'ls_in_arp_rsp',
  'ls_in_dhcp_options',
  'ls_in_dhcp_response',
  'ls_in_dns_lookup',
  'ls_in_dns_response',
  'ls_in_external_port',
  'ls_in_l2_lkup',
  'ls_in_l2_unknown',
] as const;
const LS_OUT = [
  'ls_out_pre_acl',
  'ls_out_pre_lb',
  'ls_out_pre_stateful',
  'ls_out_acl_hint',
  'ls_out_acl',
  'ls_out_qos_mark',
  'ls_out_qos_meter',
  'ls_out_stateful',
  'ls_out_check_port_sec',
  'ls_out_apply_port_sec',
] as const;
const LR_IN = [
  'lr_in_admission',
  'lr_in_lookup_neighbor',
  'lr_in_learn_neighbor',
  'lr_in_ip_input',
  'lr_in_unsnat',
  'lr_in_defrag',
  'lr_in_lb_aff_check',
  'lr_in_dnat',
  'lr_in_lb_aff_learn',
  'lr_in_ecmp_stateful',
  'lr_in_nd_ra_options',
  'lr_in_nd_ra_response',
  'lr_in_ip_routing_pre',
  'lr_in_ip_routing',
  'lr_in_ip_routing_ecmp',
  'lr_in_policy',
  'lr_in_policy_ecmp',
  'lr_in_arp_resolve',
  'lr_in_chk_pkt_len',
  'lr_in_larger_pkts',
  'lr_in_gw_redirect',
  'lr_in_arp_request',
] as const;
const LR_OUT = [
  'lr_out_chk_dnat_local',
  'lr_out_undnat',
  'lr_out_post_undnat',
  'lr_out_snat',
  'lr_out_post_snat',
  'lr_out_egr_loop',
  'lr_out_delivery',
] as const;

export type StageName =
  (typeof LS_IN)[number] | (typeof LS_OUT)[number] | (typeof LR_IN)[number] | (typeof LR_OUT)[number];

const S = (kind: DatapathKind, pipeline: Pipeline, names: readonly StageName[]) =>
  names.map((name, table): Stage => ({ name, kind, pipeline, table }));

/** Every stage, in pipeline order. */
export const STAGES: readonly Stage[] = [
  ...S('switch', 'ingress', LS_IN),
  ...S('switch', 'egress', LS_OUT),
  ...S('router', 'ingress', LR_IN),
  ...S('router', 'egress', LR_OUT),
];

const BY_NAME = new Map<string, Stage>(STAGES.map((s) => [s.name, s]));

export function stage(name: StageName): Stage {
  return BY_NAME.get(name)!;
}

export function stagesOf(kind: DatapathKind): readonly Stage[] {
  return STAGES.filter((s) => s.kind === kind);
}

const BY_POSITION = new Map<string, Stage>(STAGES.map((s) => [`${s.kind}/${s.pipeline}/${s.table}`, s]));

/** The stage at a table of a pipeline of a datapath kind (how SB rows name their stage). */
export function stageAt(kind: DatapathKind, pipeline: Pipeline, table: number): Stage | undefined {
  return BY_POSITION.get(`${kind}/${pipeline}/${table}`);
}
