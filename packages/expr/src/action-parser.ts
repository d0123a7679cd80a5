// Action parser: text → OvnAction[] plus the prerequisites the actions impose on the match (e.g.
// `ct_next` needs `ip`, `tcp_reset {…}` needs `tcp`, assigning `ip4.dst` needs `ip4`).
import type { CtNatKind, GenOption, KeyArg, LbBackend, NestedKind, OvnAction, ResultFn } from './actions.js';
import { Cursor } from './cursor.js';
import type { WriteScope } from './symbols.js';
import { type FieldRef, type IntValue, MatchParser, type ParseEnv, constWidth } from './match-parser.js';
import { LOG_PIPELINE_LEN, type Pipeline } from './tables.js';

export interface ActionEnv extends ParseEnv {
  readonly pipeline: Pipeline;
  /** Logical table of the flow being parsed. */
  readonly table: number;
  /** Known option names for put_dhcp_opts / put_dhcpv6_opts / put_nd_ra_opts; absent = accept any. */
  readonly dhcpOptions?: ReadonlyMap<string, { code: number; type: string }>;
  readonly dhcpv6Options?: ReadonlyMap<string, { code: number; type: string }>;
}

export interface ParsedActions {
  readonly actions: OvnAction[];
  /** Match text the actions require, to be ANDed into the flow's match ("" = none). */
  readonly prereqs: string[];
}

const MAX_NESTED_DEPTH = 32;

const NESTED: Readonly<Record<NestedKind, string | null>> = {
  arp: 'ip4',
  icmp4: 'ip4',
  icmp4_error: 'ip4',
  icmp6: 'ip6',
  icmp6_error: 'ip6',
  tcp_reset: 'tcp',
  sctp_abort: 'sctp',
  nd_na: 'nd_ns',
  nd_na_router: 'nd_ns',
  nd_ns: 'ip6',
  reject: null,
  clone: null,
};

const RESULT_FNS: ReadonlySet<string> = new Set<ResultFn>([
  'chk_lb_hairpin',
  'chk_lb_hairpin_reply',
  'check_in_port_sec',
  'check_out_port_sec',
  'dns_lookup',
  'chk_ecmp_nh_mac',
  'chk_ecmp_nh',
  'chk_lb_aff',
]);

const CT_NAT: ReadonlySet<string> = new Set(['ct_dnat', 'ct_snat', 'ct_dnat_in_czone', 'ct_snat_in_czone']);

export class ActionParser {
  private readonly m: MatchParser;
  private readonly c: Cursor;

  constructor(
    src: string,
    readonly env: ActionEnv,
  ) {
    this.c = new Cursor(src);
    this.m = new MatchParser(this.c, env);
  }

  parseAll(): ParsedActions {
    const prereqs: string[] = [];
    const actions = this.parseList('end', prereqs, 0, 'rw');
    return { actions, prereqs };
  }

  /** Actions up to `sentinel` (`end` or `}`); a lone `drop;` is the empty list. */
  private parseList(sentinel: 'end' | '}', prereqs: string[], depth: number, scope: WriteScope): OvnAction[] {
    const c = this.c;
    const out: OvnAction[] = [];
    if (c.isId('drop') && c.peek().type === ';') {
      c.next();
      c.next();
      if (!c.match(sentinel)) c.syntax(sentinel === 'end' ? 'expecting end of input' : "expecting `}'");
      return out;
    }
    while (!c.match(sentinel)) {
      if (c.is('end')) c.syntax("expecting `}'");
      out.push(this.parseAction(prereqs, depth, scope));
      c.force(';');
    }
    return out;
  }

  /** A field used by an action; its prerequisites join the flow's. */
  private field(prereqs: string[]): FieldRef {
    const f = this.m.parseField();
    if (f.sym.prereqs) prereqs.push(f.sym.prereqs);
    return f;
  }

  private typeCheck(f: FieldRef, nBits: number, rw: boolean, scope: WriteScope): void {
    const c = this.c;
    if (f.sym.kind === 'predicate')
      c.error('type', `Predicate symbol ${f.sym.name} used where lvalue required.`, f.pos);
    if (f.sym.kind === 'ovn_field' && !rw) c.error('type', `Can't read ovn field ${f.sym.name}.`, f.pos);
    if (nBits !== f.nBits) {
      if (nBits === 0 || f.nBits === 0)
        c.error('type', `${f.sym.name} expected to be a ${nBits ? 'integer' : 'string'} field.`, f.pos);
      c.error('type', `${f.sym.name} expected to be ${nBits}-bit field but is ${f.nBits}-bit.`, f.pos);
    }
    if (rw) {
      if (f.sym.rw === 'ro') c.error('type', `Field ${f.sym.name} is not modifiable.`, f.pos);
      if (f.sym.rw === 'ct_commit' && scope !== 'ct_commit')
        c.error('type', `Field ${f.sym.name} is not modifiable.`, f.pos);
    }
  }

  private argField(prereqs: string[], width: number, rw: boolean, scope: WriteScope): FieldRef {
    const f = this.field(prereqs);
    this.typeCheck(f, width, rw, scope);
    return f;
  }

  private parseAction(prereqs: string[], depth: number, scope: WriteScope): OvnAction {
    const c = this.c;
    if (!c.is('id')) c.syntax('expecting action');
    const la = c.peek().type;
    if (la === '=' || la === '<->' || la === '[') return this.parseSet(prereqs, scope);
    const name = c.tok.text;
    const nameTok = c.next();
    const env = this.env;
    switch (name) {
      case 'next':
        return this.parseNext();
      case 'output':
        return { t: 'output' };
      case 'ip.ttl':
        c.force('--');
        prereqs.push('ip');
        return { t: 'dec_ttl' };
      case 'push':
      case 'pop': {
        c.force('(');
        const f = this.field(prereqs);
        this.typeCheck(f, f.nBits, name === 'pop', scope);
        c.force(')');
        return { t: name, field: f };
      }
      case 'ct_next':
        this.notLastTable(name);
        prereqs.push('ip');
        return { t: 'ct_next', table: env.table + 1 };
      case 'ct_commit':
        if (c.is('{')) {
          const nested = this.parseNested(prereqs, depth, 'ip', 'ct_commit');
          return { t: 'ct_commit', nested };
        }
        prereqs.push('ip');
        if (c.match('(')) return this.parseCtCommitV1();
        return { t: 'ct_commit', nested: [] };
      case 'ct_dnat':
      case 'ct_snat':
      case 'ct_dnat_in_czone':
      case 'ct_snat_in_czone':
        return this.parseCtNat(name as CtNatKind, prereqs);
      case 'ct_commit_nat':
        prereqs.push('ip');
        this.notLastTable(name);
        return { t: 'ct_nat', kind: 'ct_commit_nat', table: env.table + 1 };
      case 'ct_lb':
      case 'ct_lb_mark':
        return this.parseCtLb(name === 'ct_lb_mark', prereqs);
      case 'ct_clear':
        return { t: 'ct_clear' };
      case 'igmp':
        return { t: 'igmp' };
      case 'handle_dhcpv6_reply':
        return { t: 'dhcp6_reply' };
      case 'handle_bfd_msg':
        if (c.match('(')) c.force(')');
        return { t: 'bfd_msg' };
      case 'ct_snat_to_vip':
        return { t: 'ct_snat_to_vip' };
      case 'get_arp':
      case 'get_nd': {
        c.force('(');
        const port = this.argField(prereqs, 0, false, scope);
        c.force(',');
        const ip = this.argField(prereqs, name === 'get_arp' ? 32 : 128, false, scope);
        c.force(')');
        return { t: 'get_mac', v6: name === 'get_nd', port, ip };
      }
      case 'put_arp':
      case 'put_nd': {
        c.force('(');
        const port = this.argField(prereqs, 0, false, scope);
        c.force(',');
        const ip = this.argField(prereqs, name === 'put_arp' ? 32 : 128, false, scope);
        c.force(',');
        const mac = this.argField(prereqs, 48, false, scope);
        c.force(')');
        return { t: 'put_mac', v6: name === 'put_nd', port, ip, mac };
      }
      case 'put_fdb': {
        c.force('(');
        const port = this.argField(prereqs, 0, false, scope);
        c.force(',');
        const mac = this.argField(prereqs, 48, false, scope);
        c.force(')');
        return { t: 'put_fdb', port, mac };
      }
      case 'handle_svc_check': {
        c.force('(');
        const port = this.argField(prereqs, 0, false, scope);
        c.force(')');
        return { t: 'handle_svc_check', port };
      }
      case 'bind_vport': {
        c.force('(');
        const vport = c.forceString();
        c.force(',');
        const port = this.argField(prereqs, 0, false, scope);
        c.force(')');
        return { t: 'bind_vport', vport, port };
      }
      case 'set_queue': {
        c.force('(');
        const queue = c.forceInt(0xf000);
        c.force(')');
        return { t: 'set_queue', queue };
      }
      case 'set_meter': {
        c.force('(');
        const rate = c.forceInt(0xffffffff);
        const burst = c.match(',') ? c.forceInt(0xffffffff) : undefined;
        c.force(')');
        return burst === undefined ? { t: 'set_meter', rate } : { t: 'set_meter', rate, burst };
      }
      case 'fwd_group':
        return this.parseFwdGroup();
      case 'log':
      case 'trigger_event':
      case 'sample':
      case 'commit_ecmp_nh':
      case 'commit_lb_aff':
        return { t: 'keyed', name, args: this.parseKeyArgs() };
      default:
        if (name in NESTED)
          return {
            t: 'nested',
            kind: name as NestedKind,
            actions: this.parseNested(prereqs, depth, NESTED[name as NestedKind], name === 'clone' ? 'rw' : scope),
          };
        return c.syntax('expecting action', nameTok);
    }
  }

  private notLastTable(name: string): void {
    if (this.env.table + 1 >= LOG_PIPELINE_LEN) this.c.error('syntax', `"${name}" action not allowed in last table.`);
  }

  private parseNext(): OvnAction {
    const c = this.c;
    let pipeline = this.env.pipeline;
    let table = this.env.table + 1;
    if (c.match('(')) {
      if (c.is('int')) table = c.forceInt(255);
      else {
        do {
          if (c.matchId('pipeline')) {
            c.force('=');
            if (c.matchId('ingress')) pipeline = 'ingress';
            else if (c.matchId('egress')) pipeline = 'egress';
            else c.syntax('expecting "ingress" or "egress"');
          } else if (c.matchId('table')) {
            c.force('=');
            table = c.forceInt(255);
          } else c.syntax('expecting "pipeline" or "table"');
        } while (c.match(','));
      }
      c.force(')');
    }
    if (table >= LOG_PIPELINE_LEN)
      c.error('syntax', `"next" action cannot advance beyond table ${LOG_PIPELINE_LEN - 1}.`);
    return { t: 'next', pipeline, table };
  }

  private parseNested(prereqs: string[], depth: number, prereq: string | null, scope: WriteScope): OvnAction[] {
    const c = this.c;
    c.force('{');
    if (depth + 1 === MAX_NESTED_DEPTH) c.error('syntax', 'maximum depth of nested actions reached');
    const inner: string[] = [];
    const actions = this.parseList('}', inner, depth + 1, scope);
    // Packet-building actions impose their own prerequisite; clone/reject pass the inner ones through.
    if (prereq) prereqs.push(prereq);
    else prereqs.push(...inner);
    return actions;
  }

  private parseCtCommitV1(): OvnAction {
    const c = this.c;
    let mark: { value: bigint; mask: bigint } | undefined;
    let label: { value: bigint; mask: bigint } | undefined;
    while (!c.match(')')) {
      const which = c.matchId('ct_mark')
        ? 'mark'
        : c.matchId('ct_label')
          ? 'label'
          : c.syntax('expecting ct_mark or ct_label');
      c.force('=');
      const t = c.tok;
      if (t.type !== 'int') c.syntax('expecting integer');
      c.next();
      const full = which === 'mark' ? 0xffffffffn : (1n << 128n) - 1n;
      const v = { value: t.value & full, mask: t.mask === undefined ? full : t.mask & full };
      if (which === 'mark') mark = v;
      else label = v;
      c.match(',');
    }
    return { t: 'ct_commit_v1', ...(mark ? { mark } : {}), ...(label ? { label } : {}) };
  }

  private parseCtNat(kind: CtNatKind, prereqs: string[]): OvnAction {
    const c = this.c;
    prereqs.push('ip');
    this.notLastTable(kind);
    const table = this.env.table + 1;
    if (!c.match('(')) return { t: 'ct_nat', kind, table };
    const t = c.tok;
    if (t.type !== 'int' || (t.format !== 'ipv4' && t.format !== 'ipv6') || t.mask !== undefined)
      c.syntax('expecting IPv4 or IPv6 address');
    c.next();
    const ip = { v6: t.format === 'ipv6', value: t.value };
    let ports: [number, number] | undefined;
    if (c.match(',')) {
      const lo = c.forceInt(65535);
      if (lo === 0) c.syntax("range can't be 0");
      let hi = 0;
      if (c.match('-')) {
        const hiTok = c.tok;
        hi = c.forceInt(65535);
        if (hi <= lo) c.syntax('range high should be greater than range low', hiTok);
      }
      ports = [lo, hi];
    }
    c.force(')');
    return { t: 'ct_nat', kind, table, ip, ...(ports ? { ports } : {}) };
  }

  private parseCtLb(mark: boolean, prereqs: string[]): OvnAction {
    const c = this.c;
    this.notLastTable(mark ? 'ct_lb_mark' : 'ct_lb');
    prereqs.push('ip');
    const backends: LbBackend[] = [];
    let hashFields: string | undefined;
    let flag: 'skip_snat' | 'force_snat' | undefined;
    if (c.match('(') && !c.match(')')) {
      if (!c.matchId('backends') || !c.match('=')) c.syntax('expecting backends');
      while (!c.match(';') && !c.match(')')) {
        if (c.match('[')) {
          const t = c.tok;
          if (t.type !== 'int' || t.format !== 'ipv6') c.syntax('expecting IPv6 address');
          c.next();
          if (!c.match(']')) c.syntax('no closing square bracket');
          const port = c.match(':') ? c.forceInt(65535) : 0;
          backends.push({ v6: true, value: t.value, port });
        } else {
          const t = c.tok;
          if (t.type !== 'int' || (t.format !== 'ipv4' && t.format !== 'ipv6')) c.syntax('expecting IP address');
          c.next();
          let port = 0;
          if (c.match(':')) {
            if (t.format === 'ipv6') c.syntax('IPv6 address needs square brackets if port is included');
            port = c.forceInt(65535);
          }
          backends.push({ v6: t.format === 'ipv6', value: t.value, port });
        }
        c.match(',');
      }
      if (c.matchId('hash_fields')) {
        if (!c.match('=') || !c.is('string')) c.syntax('invalid hash_fields');
        hashFields = c.next().text;
        if (!c.match(';')) c.next();
      }
      if (c.matchId('skip_snat')) {
        flag = 'skip_snat';
        c.next();
      } else if (c.matchId('force_snat')) {
        flag = 'force_snat';
        c.next();
      }
    }
    return {
      t: 'ct_lb',
      mark,
      table: this.env.table + 1,
      backends,
      ...(hashFields !== undefined ? { hashFields } : {}),
      ...(flag ? { flag } : {}),
    };
  }

  private parseFwdGroup(): OvnAction {
    const c = this.c;
    let liveness = false;
    const ports: string[] = [];
    c.force('(');
    if (c.matchId('liveness')) {
      c.force('=');
      if (c.matchId('true')) liveness = true;
      else if (c.matchId('false')) liveness = false;
      else c.syntax('expecting true or false');
      c.force(',');
    }
    if (c.matchId('childports')) {
      c.force('=');
      do ports.push(c.forceString());
      while (c.match(','));
    } else c.syntax('expecting childports');
    c.force(')');
    return { t: 'fwd_group', liveness, ports };
  }

  /** `(key=value, …)` with string, integer or identifier values. */
  private parseKeyArgs(): KeyArg[] {
    const c = this.c;
    const args: KeyArg[] = [];
    if (!c.match('(')) return args;
    while (!c.match(')')) {
      if (!c.is('id')) c.syntax('expecting argument name');
      const key = c.next().text;
      c.force('=');
      const t = c.tok;
      if (t.type === 'string') args.push({ key, value: t.text });
      else if (t.type === 'int')
        args.push({
          key,
          value:
            t.mask === undefined
              ? { value: t.value, format: t.format }
              : { value: t.value, mask: t.mask, format: t.format },
        });
      else if (t.type === 'id')
        args.push({ key, value: t.text === 'true' ? true : t.text === 'false' ? false : t.text });
      // sample(obs_point=$cookie): the observation point is the logical flow's cookie.
      else if (t.type === 'addr_set' && t.text === 'cookie') args.push({ key, value: { macro: 'cookie' } });
      else c.syntax('expecting argument value');
      c.next();
      // `vip = "…"` in trigger_event and a few others may use `:port` tails inside strings only.
      c.match(',');
    }
    return args;
  }

  /** `field = …`, `field <-> field`, and `field = fn(…)` forms. */
  private parseSet(prereqs: string[], scope: WriteScope): OvnAction {
    const c = this.c;
    const lhs = this.field(prereqs);
    if (c.match('<->')) {
      const rhs = this.field(prereqs);
      this.checkAssign(lhs, rhs, true, scope);
      return { t: 'exchange', a: lhs, b: rhs };
    }
    if (!c.match('=')) c.syntax("expecting `=' or `<->'");
    if (c.is('id') && c.peek().type === '(') {
      const fn = c.tok.text;
      if (RESULT_FNS.has(fn)) {
        this.typeCheck(lhs, 1, true, scope);
        c.next();
        c.next();
        c.force(')');
        return { t: 'result', fn: fn as ResultFn, dst: lhs };
      }
      switch (fn) {
        case 'put_dhcp_opts':
        case 'put_dhcpv6_opts':
        case 'put_nd_ra_opts':
          return this.parsePutOpts(fn, lhs, scope);
        case 'lookup_arp':
        case 'lookup_nd': {
          this.typeCheck(lhs, 1, true, scope);
          c.next();
          c.next();
          const port = this.argField(prereqs, 0, false, scope);
          c.force(',');
          const ip = this.argField(prereqs, fn === 'lookup_arp' ? 32 : 128, false, scope);
          c.force(',');
          const mac = this.argField(prereqs, 48, false, scope);
          c.force(')');
          return { t: 'lookup_mac', v6: fn === 'lookup_nd', dst: lhs, port, ip, mac };
        }
        case 'lookup_arp_ip':
        case 'lookup_nd_ip': {
          this.typeCheck(lhs, 1, true, scope);
          c.next();
          c.next();
          const port = this.argField(prereqs, 0, false, scope);
          c.force(',');
          const ip = this.argField(prereqs, fn === 'lookup_arp_ip' ? 32 : 128, false, scope);
          c.force(')');
          return { t: 'lookup_mac_ip', v6: fn === 'lookup_nd_ip', dst: lhs, port, ip };
        }
        case 'get_fdb': {
          this.typeCheck(lhs, 0, true, scope);
          c.next();
          c.next();
          const mac = this.argField(prereqs, 48, false, scope);
          c.force(')');
          return { t: 'get_fdb', dst: lhs, mac };
        }
        case 'lookup_fdb': {
          this.typeCheck(lhs, 1, true, scope);
          c.next();
          c.next();
          const port = this.argField(prereqs, 0, false, scope);
          c.force(',');
          const mac = this.argField(prereqs, 48, false, scope);
          c.force(')');
          return { t: 'lookup_fdb', dst: lhs, port, mac };
        }
        case 'check_pkt_larger': {
          this.typeCheck(lhs, 1, true, scope);
          c.next();
          c.next();
          const len = c.forceInt(65535);
          c.force(')');
          return { t: 'check_pkt_larger', dst: lhs, len };
        }
        case 'select': {
          this.typeCheck(lhs, lhs.nBits, true, scope);
          c.next();
          c.next();
          const values: { value: bigint; weight: number }[] = [];
          while (!c.match(')')) {
            const t = c.tok;
            if (t.type !== 'int' || t.mask !== undefined) c.syntax('expecting integer');
            c.next();
            const weight = c.match('=') ? c.forceInt(65535) : 100;
            values.push({ value: t.value, weight });
            c.match(',');
          }
          if (values.length === 0) c.error('syntax', 'select() requires at least one value.');
          return { t: 'select', dst: lhs, values };
        }
        default:
          break;
      }
    }
    if (!c.is('id')) {
      // dst = constant
      if (lhs.sym.kind === 'ovn_field') {
        const t = c.tok;
        if (t.type !== 'int') c.syntax('expecting integer');
        c.next();
        return { t: 'ovnfield_load', field: lhs.sym.name, value: { value: t.value, format: t.format } };
      }
      this.typeCheck(lhs, lhs.nBits, true, scope);
      const at = c.tok;
      if (at.type === 'string') {
        if (lhs.sym.width)
          c.error('type', `Integer field ${lhs.sym.name} is not compatible with string constant.`, at.pos);
        c.next();
        return { t: 'load', dst: lhs, value: at.text };
      }
      if (at.type !== 'int') c.syntax('expecting constant');
      if (!lhs.sym.width)
        c.error('type', `String field ${lhs.sym.name} is not compatible with integer constant.`, at.pos);
      const v: IntValue =
        at.mask === undefined
          ? { value: at.value, format: at.format }
          : { value: at.value, mask: at.mask, format: at.format };
      const w = constWidth(v);
      if (w > lhs.sym.width)
        c.error('type', `${w}-bit constant is not compatible with ${lhs.sym.width}-bit field ${lhs.sym.name}.`, at.pos);
      c.next();
      return { t: 'load', dst: lhs, value: v };
    }
    const rhs = this.field(prereqs);
    this.checkAssign(lhs, rhs, false, scope);
    return { t: 'move', dst: lhs, src: rhs };
  }

  private checkAssign(lhs: FieldRef, rhs: FieldRef, exchange: boolean, scope: WriteScope): void {
    const c = this.c;
    if ((lhs.sym.width !== 0) !== (rhs.sym.width !== 0))
      c.error(
        'type',
        exchange
          ? `Can't exchange ${lhs.sym.width ? 'integer' : 'string'} field (${lhs.sym.name}) with ${rhs.sym.width ? 'integer' : 'string'} field (${rhs.sym.name}).`
          : `Can't assign ${rhs.sym.width ? 'integer' : 'string'} field (${rhs.sym.name}) to ${lhs.sym.width ? 'integer' : 'string'} field (${lhs.sym.name}).`,
        rhs.pos,
      );
    if (lhs.nBits !== rhs.nBits)
      c.error(
        'type',
        exchange
          ? `Can't exchange ${lhs.nBits}-bit field with ${rhs.nBits}-bit field.`
          : `Can't assign ${rhs.nBits}-bit value to ${lhs.nBits}-bit destination.`,
        rhs.pos,
      );
    this.typeCheck(lhs, lhs.nBits, true, scope);
    this.typeCheck(rhs, rhs.nBits, exchange, scope);
  }

  private parsePutOpts(
    fn: 'put_dhcp_opts' | 'put_dhcpv6_opts' | 'put_nd_ra_opts',
    dst: FieldRef,
    scope: WriteScope,
  ): OvnAction {
    const c = this.c;
    c.next();
    c.next();
    this.typeCheck(dst, 1, true, scope);
    const table =
      fn === 'put_dhcp_opts' ? this.env.dhcpOptions : fn === 'put_dhcpv6_opts' ? this.env.dhcpv6Options : undefined;
    const options: GenOption[] = [];
    while (!c.match(')')) {
      if (!c.is('id')) c.syntax('expecting option name');
      const name = c.tok.text;
      if (table && !table.has(name)) c.syntax(`expecting ${fn === 'put_dhcp_opts' ? 'DHCPv4' : 'DHCPv6'} option name`);
      c.next();
      c.force('=');
      options.push({ name, values: this.m.parseConstSet() });
      c.match(',');
    }
    if (fn === 'put_dhcp_opts' && !options.some((o) => o.name === 'offerip'))
      c.error('syntax', 'put_dhcp_opts requires offerip to be specified.');
    return {
      t: 'put_opts',
      kind: fn === 'put_dhcp_opts' ? 'dhcpv4' : fn === 'put_dhcpv6_opts' ? 'dhcpv6' : 'nd_ra',
      dst,
      options,
    };
  }
}
