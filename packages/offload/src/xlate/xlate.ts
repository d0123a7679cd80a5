// Translation of a packet through the OpenFlow tables into datapath passes, the way ofproto-dpif-xlate builds
// megaflow actions: header rewrites are committed as set(...) just before an action that exposes the packet
// (output, ct, recirc, userspace…); ct(table=N) and dp_hash select groups end a pass and recirculate;
// check_pkt_larger forks both branches into one check_pkt_len. Conntrack results follow a scenario (new/est),
// like `ofproto/trace --ct-next`.
import { OFPP, type Action, type FieldName, type NatRange } from '@ovnts/openflow';
import type { ClassPath, CtScenario, DpAction, DpPass, MatchTrait, SetTarget, SlowReason } from '../datapath.js';
import { PacketState } from './state.js';
import type { FlowTables } from './tables.js';

export interface XlateOptions {
  readonly scenario: CtScenario;
  /** OpenFlow ports that are tunnels: output there carries set(tunnel). */
  readonly tunnelPorts?: ReadonlySet<number>;
  /** Port names for outputs in reports (OpenFlow number → name). */
  readonly portNames?: ReadonlyMap<number, string>;
}

const MAX_DEPTH = 256; // OVN pipelines nest one resubmit per stage, across several datapaths
const MAX_RESUBMITS = 4096; // per pass, bounds pathological tables
const MAX_PASSES = 16;

/** ct_state bits after a lookup per scenario: trk|new, trk|est, trk|est|rpl. */
const CT_STATE: Readonly<Record<CtScenario, bigint>> = { new: 0x21n, est: 0x22n, reply: 0x2an };

/** Rewrites no datapath action expresses: OVS commits them but marks the flow SLOW_ACTION (lib/odp-util.c). */
const SLOW_TARGETS: ReadonlySet<SetTarget> = new Set(['arp', 'nd', 'icmp', 'icmpv6']);

/** Header groups OVS commits with one set(...) each, in datapath order. */
const HEADER_GROUPS: readonly (readonly [SetTarget, readonly FieldName[], ((st: PacketState) => boolean)?])[] = [
  ['eth', ['eth_src', 'eth_dst']],
  ['arp', ['arp_op', 'arp_spa', 'arp_tpa', 'arp_sha', 'arp_tha'], (st) => st.get('eth_type') === 0x0806n],
  ['ipv4', ['ip_src', 'ip_dst', 'nw_ttl', 'nw_tos'], (st) => st.get('eth_type') === 0x0800n],
  ['ipv6', ['ipv6_src', 'ipv6_dst', 'nw_ttl', 'nw_tos', 'ipv6_label'], (st) => st.get('eth_type') === 0x86ddn],
  ['tcp', ['tcp_src', 'tcp_dst']],
  ['udp', ['udp_src', 'udp_dst']],
  ['sctp', ['sctp_src', 'sctp_dst']],
  ['icmp', ['icmp_type', 'icmp_code']],
  ['icmpv6', ['icmpv6_type', 'icmpv6_code']],
  ['nd', ['nd_target', 'nd_sll', 'nd_tll']],
  ['skb_mark', ['pkt_mark']],
];

const FIELD_GROUP = new Map<FieldName, SetTarget>(HEADER_GROUPS.flatMap(([g, fs]) => fs.map((f) => [f, g] as const)));

interface Frozen {
  readonly st: PacketState;
  readonly table?: number;
  readonly bucket?: readonly Action[];
  readonly traits: ReadonlyMap<MatchTrait, bigint>;
}

class ExitSignal {}

/**
 * A NAT with an explicit range rewrites the recirculated packet to the range's first address/port, the way
 * ofproto/trace simulates it (OVS v3.1.0 ofproto-dpif-trace.c), so a DNAT'ed packet is routed by its new
 * address. `ct(nat)` without a range (un-NAT of an existing connection) changes nothing we could know.
 */
function simulateNat(st: PacketState, nat: NatRange): void {
  const ip6 = !!nat.ipv6;
  if (nat.ipMin !== undefined)
    st.set(nat.kind === 'src' ? (ip6 ? 'ipv6_src' : 'ip_src') : ip6 ? 'ipv6_dst' : 'ip_dst', nat.ipMin);
  if (nat.ipMin !== undefined && nat.portMin) {
    const proto = st.get('nw_proto');
    const l4 = proto === 6n ? 'tcp' : proto === 17n ? 'udp' : proto === 132n ? 'sctp' : undefined;
    if (l4) st.set(`${l4}_${nat.kind}` as FieldName, BigInt(nat.portMin));
  }
}

class Pass {
  readonly actions: DpAction[] = [];
  base: PacketState;
  conntracked: boolean;
  resubmits = 0;
  table = 0;
  readonly writers = new Map<SetTarget, bigint>();
  /** Match traits discovered while translating (beyond those the pass started with). */
  readonly traits = new Map<MatchTrait, bigint>();
  slow: SlowReason | undefined;

  constructor(
    public st: PacketState,
    readonly run: Run,
    conntracked: boolean,
  ) {
    this.base = st.clone();
    this.conntracked = conntracked;
  }

  /** Emit set(...) for every header group changed since the last commit. */
  commit(): void {
    for (const [group, fields, applies] of HEADER_GROUPS) {
      if (applies && !applies(this.st)) continue;
      if (fields.some((f) => this.st.get(f) !== this.base.get(f))) {
        this.actions.push({ kind: 'set', target: group, cookie: this.writers.get(group) });
        if (SLOW_TARGETS.has(group)) this.slow ??= 'action';
      }
    }
    this.base = this.st.clone();
  }

  doTable(table: number, depth: number): void {
    if (depth > MAX_DEPTH || ++this.resubmits > MAX_RESUBMITS) return;
    const { flow, ctDependent } = this.run.tables.lookupDetailed(table, this.st);
    if (ctDependent && !this.traits.has('ct_state')) this.traits.set('ct_state', flow?.cookie ?? 0n);
    if (
      this.st.get('eth_type') === 0x86ddn &&
      [135n, 136n].includes(this.st.get('icmpv6_type')) &&
      !this.traits.has('nd')
    ) {
      const by = this.run.tables.examinedBy(table, this.st, 'nd_', flow?.priority ?? -1);
      if (by) this.traits.set('nd', by.cookie ?? 0n);
    }
    if (!flow) return;
    // Name the logical flow behind packet-level traits: the first hit that matches those fields.
    for (const e of flow.match) {
      const t: MatchTrait | undefined = e.field.startsWith('arp_')
        ? 'arp'
        : e.field.startsWith('nd_')
          ? 'nd'
          : e.field.startsWith('tun_metadata')
            ? 'tun_metadata'
            : undefined;
      if (t && !this.traits.has(t) && flow.cookie) this.traits.set(t, flow.cookie);
    }
    const saved = this.table;
    this.table = table;
    this.exec(flow.actions, flow.cookie ?? 0n, depth);
    this.table = saved;
  }

  output(port: number, cookie: bigint): void {
    if (port === OFPP.CONTROLLER) {
      this.commit();
      this.actions.push({ kind: 'userspace', why: 'controller', cookie });
      return;
    }
    const inPort = Number(this.st.get('in_port'));
    if (port === OFPP.IN_PORT) port = inPort;
    else if (port === inPort) return; // OpenFlow never outputs to the ingress port implicitly
    this.commit();
    const name = this.run.opts.portNames?.get(port) ?? String(port);
    if (this.run.opts.tunnelPorts?.has(port)) this.actions.push({ kind: 'set', target: 'tunnel', cookie });
    this.actions.push({ kind: 'output', port: name, cookie });
  }

  freeze(f: Omit<Frozen, 'traits'>, cookie: bigint, extra: readonly MatchTrait[]): void {
    const traits = new Map<MatchTrait, bigint>([['recirc_id', cookie]]);
    for (const t of extra) traits.set(t, cookie);
    this.run.queue.push({ ...f, traits });
  }

  exec(list: readonly Action[], cookie: bigint, depth: number): void {
    const st = () => this.st;
    for (const a of list) {
      switch (a.type) {
        case 'set_field': {
          st().set(a.field, a.value, a.mask);
          const g = FIELD_GROUP.get(a.field);
          if (g) this.writers.set(g, cookie);
          break;
        }
        case 'move': {
          st().setSub(a.dst, st().getSub(a.src));
          const g = FIELD_GROUP.get(a.dst.field);
          if (g) this.writers.set(g, cookie);
          break;
        }
        case 'push':
          st().stack.push(st().getSub(a.field));
          break;
        case 'pop':
          st().setSub(a.field, st().stack.pop() ?? 0n);
          break;
        case 'resubmit': {
          const table = a.table ?? this.table;
          if (a.port === undefined || a.port === OFPP.IN_PORT) this.doTable(table, depth + 1);
          else {
            const saved = st().get('in_port');
            st().set('in_port', BigInt(a.port));
            this.doTable(table, depth + 1);
            st().set('in_port', saved);
          }
          break;
        }
        case 'goto_table':
          this.doTable(a.table, depth + 1);
          break;
        case 'write_metadata':
          st().set('metadata', a.value, a.mask);
          break;
        case 'output':
          this.output(a.port, cookie);
          break;
        case 'output_reg':
          this.output(Number(st().getSub(a.src)), cookie);
          break;
        case 'group':
          this.group(a.groupId, cookie, depth);
          break;
        case 'ct': {
          this.commit();
          const zone = a.zone === undefined ? 0 : typeof a.zone === 'number' ? a.zone : Number(st().getSub(a.zone));
          this.actions.push({
            kind: 'ct',
            commit: !!a.commit,
            nat: a.nat !== undefined,
            helper: !!a.alg,
            zone,
            cookie,
          });
          if (a.table !== undefined) {
            this.actions.push({ kind: 'recirc', cookie });
            const next = st().clone();
            next.set('ct_state', CT_STATE[this.run.opts.scenario]);
            next.set('ct_zone', BigInt(zone));
            next.set('ct_mark', 0n);
            next.set('ct_label', 0n);
            if (a.nat?.kind) simulateNat(next, a.nat);
            this.freeze({ st: next, table: a.table }, cookie, ['ct_state']);
          }
          // The ct_* fields live only in the recirculated pass: OVS clears them here and the pass continues
          // untracked (ofproto-dpif-xlate.c compose_conntrack_action), so a later ct_clear emits nothing.
          for (const f of ['ct_state', 'ct_zone', 'ct_mark', 'ct_label'] as const) st().set(f, 0n);
          this.conntracked = false;
          break;
        }
        case 'ct_clear':
          if (this.conntracked) this.actions.push({ kind: 'ct_clear', cookie });
          this.conntracked = false;
          for (const f of ['ct_state', 'ct_zone', 'ct_mark', 'ct_label'] as const) st().set(f, 0n);
          break;
        case 'controller':
          this.commit();
          this.actions.push({ kind: 'userspace', why: 'controller', cookie });
          // A pausing controller action freezes the rest of the translation into its continuation: the
          // datapath flow ends here (ovn-controller resumes the packet later, e.g. after put_dhcp_opts).
          if (a.pause) throw new ExitSignal();
          break;
        case 'clone': {
          const saved = st().clone();
          this.exec(a.actions, cookie, depth);
          this.st = saved;
          break;
        }
        case 'dec_ttl': {
          const ttl = st().get('nw_ttl');
          if (ttl <= 1n) {
            this.commit();
            this.actions.push({ kind: 'userspace', why: 'controller', cookie });
            throw new ExitSignal();
          }
          st().set('nw_ttl', ttl - 1n);
          this.writers.set(st().get('eth_type') === 0x86ddn ? 'ipv6' : 'ipv4', cookie);
          break;
        }
        case 'push_vlan':
          this.commit();
          this.actions.push({ kind: 'push_vlan', cookie });
          st().set('vlan_tci', 0x1000n);
          this.base = st().clone();
          break;
        case 'pop_vlan':
          this.commit();
          if (st().get('vlan_tci') & 0x1000n) this.actions.push({ kind: 'pop_vlan', cookie });
          st().set('vlan_tci', 0n);
          this.base = st().clone();
          break;
        case 'check_pkt_larger': {
          this.commit();
          this.actions.push({ kind: 'check_pkt_len', size: a.len, gt: [], le: [], cookie });
          st().setSub(a.dst, this.run.larger ? 1n : 0n);
          break;
        }
        case 'meter':
          this.actions.push({ kind: 'meter', cookie });
          break;
        case 'sample':
          this.commit();
          this.actions.push({ kind: 'userspace', why: 'sample', cookie });
          break;
        case 'exit':
          throw new ExitSignal();
        // No datapath effect: learned flows, conjunction markers, notes, action sets OVN does not use.
        case 'learn':
        case 'conjunction':
        case 'note':
        case 'clear_actions':
        case 'write_actions':
          break;
      }
    }
  }

  group(id: number, cookie: bigint, depth: number): void {
    const g = this.run.tables.groups.get(id);
    if (!g || g.buckets.length === 0) return;
    if (g.type === 'all') {
      for (const b of g.buckets) {
        const saved = this.st.clone();
        this.exec(b.actions, cookie, depth + 1);
        this.st = saved;
      }
      return;
    }
    const bucket = g.buckets[0]!;
    if (g.type === 'select' && g.selectionMethod === 'dp_hash') {
      // The datapath computes the hash and recirculates; the bucket runs in the next pass.
      this.commit();
      this.actions.push({ kind: 'hash', cookie }, { kind: 'recirc', cookie });
      this.freeze(
        { st: this.st.clone(), bucket: bucket.actions },
        cookie,
        this.conntracked ? ['dp_hash', 'ct_state'] : ['dp_hash'],
      );
      return;
    }
    // selection_method=hash (or OVS's default): hashed in userspace at translation time, no datapath action.
    this.exec(bucket.actions, cookie, depth + 1);
  }
}

class Run {
  readonly passes: DpPass[] = [];
  readonly queue: Frozen[] = [];

  constructor(
    readonly tables: FlowTables,
    readonly opts: XlateOptions,
    readonly larger: boolean,
  ) {}

  go(packet: PacketState, traits: ReadonlyMap<MatchTrait, bigint>): void {
    this.queue.push({ st: packet.clone(), table: 0, traits });
    while (this.queue.length > 0 && this.passes.length < MAX_PASSES) {
      const fr = this.queue.shift()!;
      const pass = new Pass(fr.st.clone(), this, fr.traits.has('ct_state'));
      try {
        if (fr.bucket) pass.exec(fr.bucket, fr.traits.get('recirc_id') ?? 0n, 1);
        else pass.doTable(fr.table ?? 0, 0);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
      }
      const traits = new Map(fr.traits);
      // Discovered traits add to the pass's own; they also name the flow behind a packet-level trait (cookie 0).
      for (const [k, v] of pass.traits)
        if (!traits.has(k) || (traits.get(k) === 0n && fr.traits.has(k))) traits.set(k, v);
      this.passes.push({
        matches: new Set(traits.keys()),
        actions: pass.actions,
        matchCookies: traits,
        ...(pass.slow ? { slow: pass.slow } : {}),
      });
    }
  }
}

/** Initial match traits of a packet (what its megaflow must match before any recirculation). */
function packetTraits(packet: PacketState, tunnelPorts?: ReadonlySet<number>): Map<MatchTrait, bigint> {
  const t = new Map<MatchTrait, bigint>();
  const ethType = packet.get('eth_type');
  if (ethType === 0x0806n) t.set('arp', 0n);
  if (tunnelPorts?.has(Number(packet.get('in_port')))) {
    t.set('tunnel', 0n);
    t.set('tun_metadata', 0n);
  }
  return t;
}

function addTraits(p: DpPass, base: ReadonlyMap<MatchTrait, bigint>): DpPass {
  const m = new Map(p.matchCookies ?? []);
  for (const [k, v] of base) if (!m.has(k)) m.set(k, v);
  return { ...p, matches: new Set(m.keys()), matchCookies: m };
}

/** Every pass of one packet under one conntrack scenario. */
export function translate(tables: FlowTables, packet: PacketState, opts: XlateOptions): DpPass[] {
  const traits = packetTraits(packet, opts.tunnelPorts);
  const le = new Run(tables, opts, false);
  le.go(packet, traits);
  const leP = le.passes.map((p) => addTraits(p, traits));
  const at = findMarker(leP);
  if (!at) return leP;
  const gt = new Run(tables, opts, true);
  gt.go(packet, traits);
  const gtP = gt.passes.map((p) => addTraits(p, traits));
  const [k, i] = at;
  const leActs = leP[k]!.actions;
  const gtActs = gtP[k]?.actions ?? [];
  const marker = leActs[i] as Extract<DpAction, { kind: 'check_pkt_len' }>;
  const merged: DpPass = {
    ...leP[k]!,
    actions: [...leActs.slice(0, i), { ...marker, gt: gtActs.slice(i + 1), le: leActs.slice(i + 1) }],
  };
  return [...leP.slice(0, k), merged, ...leP.slice(k + 1), ...gtP.slice(k + 1)];
}

function findMarker(passes: readonly DpPass[]): [number, number] | undefined {
  for (let k = 0; k < passes.length; k++) {
    const i = passes[k]!.actions.findIndex((a) => a.kind === 'check_pkt_len');
    if (i >= 0) return [k, i];
  }
  return undefined;
}

/** A class followed for a connection's first packets and its steady state (only `est` when no conntrack). */
export function translateClass(
  tables: FlowTables,
  packet: PacketState,
  opts: Omit<XlateOptions, 'scenario'> = {},
): ClassPath {
  const est = translate(tables, packet, { ...opts, scenario: 'est' });
  const usesCt = est.some((p) => p.actions.some((a) => a.kind === 'ct'));
  return usesCt ? { new: translate(tables, packet, { ...opts, scenario: 'new' }), est } : { est };
}
