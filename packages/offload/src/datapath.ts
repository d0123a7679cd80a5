// The datapath-level view both sides produce: the real `ofproto/trace` output (parsed) and our own
// translation of the OpenFlow tables. A class of traffic becomes a list of passes, one per recirculation,
// each with the megaflow's notable match traits and its datapath actions. Profiles judge only this.

/** Header groups a `set(...)` / masked set can rewrite (ODP key attribute names). */
export type SetTarget =
  | 'eth'
  | 'ipv4'
  | 'ipv6'
  | 'tcp'
  | 'udp'
  | 'sctp'
  | 'icmp'
  | 'icmpv6'
  | 'arp'
  | 'nd'
  | 'tunnel'
  | 'skb_mark'
  | 'skb_priority'
  | 'other';

export type DpAction =
  | { readonly kind: 'output'; readonly port?: string; readonly cookie?: bigint }
  | { readonly kind: 'set'; readonly target: SetTarget; readonly cookie?: bigint }
  | {
      readonly kind: 'ct';
      readonly commit: boolean;
      readonly nat: boolean;
      readonly helper: boolean;
      readonly zone?: number;
      readonly cookie?: bigint;
    }
  | { readonly kind: 'ct_clear'; readonly cookie?: bigint }
  | { readonly kind: 'recirc'; readonly cookie?: bigint }
  | { readonly kind: 'hash'; readonly cookie?: bigint }
  | {
      readonly kind: 'userspace';
      readonly why: 'controller' | 'slow_path' | 'sample' | 'other';
      readonly cookie?: bigint;
    }
  | {
      readonly kind: 'check_pkt_len';
      readonly size: number;
      readonly gt: readonly DpAction[];
      readonly le: readonly DpAction[];
      readonly cookie?: bigint;
    }
  | { readonly kind: 'clone'; readonly actions: readonly DpAction[]; readonly cookie?: bigint }
  | {
      readonly kind:
        | 'push_vlan'
        | 'pop_vlan'
        | 'meter'
        | 'sample'
        | 'trunc'
        | 'tnl_push'
        | 'tnl_pop'
        | 'push_mpls'
        | 'pop_mpls'
        | 'other';
      readonly detail?: string;
      readonly cookie?: bigint;
    };

export type DpActionKind = DpAction['kind'];

/** Match traits of a megaflow that some offload providers refuse. */
export type MatchTrait =
  | 'recirc_id' // recirc_id != 0: a flow after recirculation
  | 'ct_state' // ct_state / ct_zone / ct_mark / ct_label
  | 'dp_hash'
  | 'arp'
  | 'nd'
  | 'tunnel' // tunnel key/outer header
  | 'tun_metadata' // Geneve TLV options
  | 'ipv6_frag'
  | 'pkt_mark';

/**
 * Why OVS keeps a whole datapath flow on its userspace slow path (ofproto/trace: "This flow is handled by the
 * userspace slow path because it: …"). 'action': a rewrite no datapath action can express (ARP, ND, ICMP
 * fields: lib/odp-util.c commit_set_arp_action / commit_set_icmp_action / commit_set_nd_action return
 * SLOW_ACTION); such a flow is installed as userspace(slow_path), so no offload provider ever sees it.
 */
export type SlowReason = 'action' | 'other';

export interface DpPass {
  readonly matches: ReadonlySet<MatchTrait>;
  readonly actions: readonly DpAction[];
  readonly slow?: SlowReason;
  /** Cookie of the OpenFlow flow that caused each match trait, when known. */
  readonly matchCookies?: ReadonlyMap<MatchTrait, bigint>;
}

/**
 * Conntrack scenario a class was followed with: a connection's first packets (`--ct-next trk,new`), its
 * steady state (`trk,est`), or the steady state of the other direction (`trk,est,rpl`, reverse packet).
 */
export type CtScenario = 'new' | 'est' | 'reply';
export const CT_SCENARIOS: readonly CtScenario[] = ['new', 'est', 'reply'];

/** A class followed through the datapath: per scenario, the passes in order (`new` only with conntrack). */
export interface ClassPath {
  readonly new?: readonly DpPass[];
  readonly est: readonly DpPass[];
  readonly reply?: readonly DpPass[];
}

/** Flatten nested actions (check_pkt_len branches, clone bodies), keeping order. */
export function walkActions(actions: readonly DpAction[], visit: (a: DpAction) => void): void {
  for (const a of actions) {
    visit(a);
    if (a.kind === 'check_pkt_len') {
      walkActions(a.gt, visit);
      walkActions(a.le, visit);
    } else if (a.kind === 'clone') walkActions(a.actions, visit);
  }
}

/** Short rendering for reasons: `ct(commit,nat)`, `set(arp)`, `hash`. */
export function describeAction(a: DpAction): string {
  switch (a.kind) {
    case 'set':
      return `set(${a.target})`;
    case 'ct': {
      const flags = [a.commit ? 'commit' : '', a.nat ? 'nat' : '', a.helper ? 'helper' : ''].filter(Boolean);
      return flags.length ? `ct(${flags.join(',')})` : 'ct';
    }
    case 'userspace':
      return `userspace(${a.why})`;
    case 'check_pkt_len':
      return `check_pkt_len(size=${a.size})`;
    default:
      return a.kind;
  }
}
