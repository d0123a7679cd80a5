// Parsed logical actions (ovn-sb(5) Logical_Flow.actions), with fields resolved against the symbol table.
import type { ConstSet, FieldRef, IntValue } from './match-parser.js';
import type { Pipeline } from './tables.js';

export type NestedKind =
  | 'arp'
  | 'icmp4'
  | 'icmp4_error'
  | 'icmp6'
  | 'icmp6_error'
  | 'tcp_reset'
  | 'sctp_abort'
  | 'nd_na'
  | 'nd_na_router'
  | 'nd_ns'
  | 'reject'
  | 'clone';

/** `dst = fn();` actions whose result is one flag bit copied into a 1-bit destination. */
export type ResultFn =
  | 'chk_lb_hairpin'
  | 'chk_lb_hairpin_reply'
  | 'check_in_port_sec'
  | 'check_out_port_sec'
  | 'dns_lookup'
  | 'chk_ecmp_nh_mac'
  | 'chk_ecmp_nh'
  | 'chk_lb_aff';

export type CtNatKind = 'ct_dnat' | 'ct_snat' | 'ct_dnat_in_czone' | 'ct_snat_in_czone' | 'ct_commit_nat';

export interface IpAddr {
  readonly v6: boolean;
  readonly value: bigint;
}

export interface LbBackend extends IpAddr {
  readonly port: number;
}

export interface GenOption {
  readonly name: string;
  readonly values: ConstSet;
}

/** Generic `name=value` argument of the less common actions (log, trigger_event, sample, …). */
export interface KeyArg {
  readonly key: string;
  /** `$name` (only `$cookie`, in sample's obs_point) is a macro. */
  readonly value: string | IntValue | boolean | { readonly macro: string };
}

export type OvnAction =
  /** `next;` / `next(N);` / `next(pipeline=…, table=…);` — resolved to an absolute pipeline/table. */
  | { readonly t: 'next'; readonly pipeline: Pipeline; readonly table: number }
  | { readonly t: 'output' }
  | { readonly t: 'load'; readonly dst: FieldRef; readonly value: IntValue | string }
  | { readonly t: 'move'; readonly dst: FieldRef; readonly src: FieldRef }
  | { readonly t: 'exchange'; readonly a: FieldRef; readonly b: FieldRef }
  | { readonly t: 'push' | 'pop'; readonly field: FieldRef }
  | { readonly t: 'dec_ttl' }
  | { readonly t: 'ct_next'; readonly table: number }
  | { readonly t: 'ct_commit'; readonly nested: readonly OvnAction[] }
  | {
      readonly t: 'ct_commit_v1';
      readonly mark?: { value: bigint; mask: bigint };
      readonly label?: { value: bigint; mask: bigint };
    }
  | {
      readonly t: 'ct_nat';
      readonly kind: CtNatKind;
      readonly table: number;
      readonly ip?: IpAddr;
      readonly ports?: readonly [number, number];
    }
  | {
      readonly t: 'ct_lb';
      readonly mark: boolean;
      readonly table: number;
      readonly backends: readonly LbBackend[];
      readonly hashFields?: string;
      readonly flag?: 'skip_snat' | 'force_snat';
    }
  | { readonly t: 'ct_clear' | 'igmp' | 'dhcp6_reply' | 'bfd_msg' | 'ct_snat_to_vip' }
  | { readonly t: 'nested'; readonly kind: NestedKind; readonly actions: readonly OvnAction[] }
  | { readonly t: 'get_mac'; readonly v6: boolean; readonly port: FieldRef; readonly ip: FieldRef }
  | {
      readonly t: 'put_mac';
      readonly v6: boolean;
      readonly port: FieldRef;
      readonly ip: FieldRef;
      readonly mac: FieldRef;
    }
  | {
      readonly t: 'lookup_mac';
      readonly v6: boolean;
      readonly dst: FieldRef;
      readonly port: FieldRef;
      readonly ip: FieldRef;
      readonly mac: FieldRef;
    }
  | {
      readonly t: 'lookup_mac_ip';
      readonly v6: boolean;
      readonly dst: FieldRef;
      readonly port: FieldRef;
      readonly ip: FieldRef;
    }
  | { readonly t: 'result'; readonly fn: ResultFn; readonly dst: FieldRef }
  | { readonly t: 'get_fdb'; readonly dst: FieldRef; readonly mac: FieldRef }
  | { readonly t: 'lookup_fdb'; readonly dst: FieldRef; readonly port: FieldRef; readonly mac: FieldRef }
  | { readonly t: 'put_fdb'; readonly port: FieldRef; readonly mac: FieldRef }
  | {
      readonly t: 'put_opts';
      readonly kind: 'dhcpv4' | 'dhcpv6' | 'nd_ra';
      readonly dst: FieldRef;
      readonly options: readonly GenOption[];
    }
  | { readonly t: 'check_pkt_larger'; readonly dst: FieldRef; readonly len: number }
  | { readonly t: 'select'; readonly dst: FieldRef; readonly values: readonly { value: bigint; weight: number }[] }
  | { readonly t: 'handle_svc_check'; readonly port: FieldRef }
  | { readonly t: 'set_queue'; readonly queue: number }
  | { readonly t: 'set_meter'; readonly rate: number; readonly burst?: number }
  | { readonly t: 'bind_vport'; readonly vport: string; readonly port: FieldRef }
  | { readonly t: 'fwd_group'; readonly liveness: boolean; readonly ports: readonly string[] }
  | { readonly t: 'ovnfield_load'; readonly field: string; readonly value: IntValue }
  /** Keyword-argument actions that only travel to pinctrl or to sampling: log, trigger_event, sample, commit_ecmp_nh, commit_lb_aff. */
  | {
      readonly t: 'keyed';
      readonly name: 'log' | 'trigger_event' | 'sample' | 'commit_ecmp_nh' | 'commit_lb_aff';
      readonly args: readonly KeyArg[];
    };
