// Logical actions → OpenFlow actions, following the OVN 23.03 controller's encodings: `next` and
// `output` become resubmits, assignments set_field/move, exchanges push/pop pairs, conntrack actions
// ct(…) in the right zone register, load balancing select groups, and pinctrl actions controller(…)
// whose userdata carries the opcode and (for packet builders) the nested actions in OF1.5 encoding.
import { sharedBigint } from './shared-bigint.js';
import {
  type Action,
  type Bucket,
  type CtAction,
  FIELDS,
  type FieldName,
  type Group,
  type NatRange,
  type Subfield,
  ones,
} from '@ovnts/openflow';
import type { IpAddr, OvnAction } from './actions.js';
import { ExprError } from './errors.js';
import type { FieldRef } from './match-parser.js';
import type { PortLookup } from './matches.js';
import { resolveBase, type SymbolTable } from './symbols.js';
import { CT_BIT, MLF, OFTABLE, type Pipeline, REG, pipelineTable } from './tables.js';
import { encodeDhcpv4, encodeDhcpv6 } from './dhcp.js';
import { ecmpNhLearns, eventBody, lbAffinityLearn, logBody, ndRaBody, sampleAction } from './pinctrl-args.js';
import { OPCODE, UnencodableAction, controllerUserdata, encodeActionsOf15, fieldHeaderBytes } from './userdata.js';

export interface EncodeContext {
  readonly symbols: SymbolTable;
  readonly pipeline: Pipeline;
  /** Logical table of the flow (select resubmits to the next one). */
  readonly table: number;
  readonly isSwitch: boolean;
  readonly lookupPort: PortLookup;
  /** Id for a group (load balancer / select), stable for equal content; the caller owns the group table. */
  readonly groupId: (group: Omit<Group, 'groupId'>) => number;
  /** Meter for controller actions of this flow (Logical_Flow.controller_meter), if any. */
  readonly ctrlMeterId?: number;
  /** Datapath has external_ids:snat-ct-zone: the common NAT zone is the SNAT zone. */
  readonly snatCtZone?: boolean;
  /** The datapath supports all-zero SNAT at commit (OVS ≥ 2.x kernels do; the real flows show nat(src)). */
  readonly ctZeroSnat?: boolean;
  /** Tunnel key of the datapath (sample's observation domain). */
  readonly dpKey?: number;
  /** Flow_Sample_Collector_Set ids configured on the bridge; sample() toward others is dropped. */
  readonly flowCollectorIds?: ReadonlySet<number>;
  /** The logical flow's UUID (names the per-flow meters of set_meter). */
  readonly lflowUuid?: string;
  /** Meter id for a meter name (log actions with meter=…, and set_meter's `__string: …` descriptions). */
  readonly meterId?: (name: string) => number | undefined;
  /** The datapath can hash L4 symmetrically (dp_hash selection_method_param bit 32); true on current OVS. */
  readonly dpHashL4Sym?: boolean;
  /** DHCP option codes/types by name for put_dhcp_opts / put_dhcpv6_opts. */
  readonly dhcpOptions?: ReadonlyMap<string, { code: number; type: string }>;
  readonly dhcpv6Options?: ReadonlyMap<string, { code: number; type: string }>;
}

const reg = (n: number) => `reg${n}` as FieldName;
const zoneOf = (r: number): Subfield => ({ field: reg(r), start: 0, nBits: 16 });

export function subfield(ctx: EncodeContext, f: FieldRef): Subfield {
  const { base, ofs } = resolveBase(ctx.symbols, f.sym);
  if (base.kind !== 'field' && base.kind !== 'string')
    throw new UnencodableAction(`${f.sym.name} is not an OpenFlow field`);
  const nBits = base.kind === 'string' ? 32 : f.nBits;
  return { field: base.of, start: ofs + f.ofs, nBits };
}

function load(sf: Subfield, value: bigint, mask?: bigint): Action {
  const m = sharedBigint((mask ?? ones(sf.nBits)) << BigInt(sf.start));
  return { type: 'set_field', field: sf.field, value: (value << BigInt(sf.start)) & m, mask: m };
}

const resubmit = (table: number): Action => ({ type: 'resubmit', table });

function controller(
  ctx: EncodeContext,
  opcode: number,
  body: readonly number[] = [],
  pause = false,
  meterId = ctx.ctrlMeterId,
): Action {
  return {
    type: 'controller',
    userdata: controllerUserdata(opcode, body),
    ...(pause ? { pause: true } : {}),
    ...(meterId !== undefined ? { meterId } : {}),
  };
}

/** Save the argument registers, copy the sources in, and (after the call) restore them. */
function withArgs(ctx: EncodeContext, args: [FieldRef, Subfield][], body: Action[]): Action[] {
  const live = args.map(([src, dst]) => [subfield(ctx, src), dst] as const).filter(([s, d]) => s.field !== d.field);
  const out: Action[] = [];
  for (const [, d] of live) out.push({ type: 'push', field: d });
  for (const [s] of [...live].reverse()) out.push({ type: 'push', field: s });
  for (const [, d] of live) out.push({ type: 'pop', field: d });
  out.push(...body);
  for (const [, d] of [...live].reverse()) out.push({ type: 'pop', field: d });
  return out;
}

const whole = (name: FieldName, nBits: number): Subfield => ({ field: name, start: 0, nBits });

function natRange(kind: 'src' | 'dst', ip: IpAddr | undefined, ports?: readonly [number, number]): NatRange {
  return {
    kind,
    ...(ip ? { ipMin: ip.value, ipv6: ip.v6 } : {}),
    ...(ports ? { portMin: ports[0], ...(ports[1] ? { portMax: ports[1] } : {}) } : {}),
  };
}

const NESTED_OPCODE = {
  arp: OPCODE.arp,
  icmp4: OPCODE.icmp,
  icmp6: OPCODE.icmp,
  icmp4_error: OPCODE.icmp4Error,
  icmp6_error: OPCODE.icmp6Error,
  tcp_reset: OPCODE.tcpReset,
  sctp_abort: OPCODE.sctpAbort,
  reject: OPCODE.reject,
  nd_na: OPCODE.ndNa,
  nd_na_router: OPCODE.ndNaRouter,
  nd_ns: OPCODE.ndNs,
} as const;

export function encodeActions(ctx: EncodeContext, actions: readonly OvnAction[]): Action[] {
  const out: Action[] = [];
  for (const a of actions) out.push(...encodeAction(ctx, a));
  return out;
}

function resultBit(ctx: EncodeContext, dst: FieldRef, table: number, bit: number): Action[] {
  return [
    load(whole(reg(REG.flags), 32), 0n, 1n << BigInt(bit)),
    resubmit(table),
    { type: 'move', src: { field: reg(REG.flags), start: bit, nBits: 1 }, dst: subfield(ctx, dst) },
  ];
}

function encodeAction(ctx: EncodeContext, a: OvnAction): Action[] {
  const ctZone = ctx.isSwitch ? REG.ctZone : REG.dnatZone;
  switch (a.t) {
    case 'next':
      return [resubmit(pipelineTable(a.pipeline, a.table))];
    case 'output':
      return [resubmit(ctx.pipeline === 'ingress' ? OFTABLE.outputInit : OFTABLE.saveInport)];
    case 'load': {
      const sf = subfield(ctx, a.dst);
      if (typeof a.value === 'string') return [load(sf, BigInt(ctx.lookupPort(a.value) ?? 0))];
      return [
        load(
          sf,
          a.value.value & ones(sf.nBits),
          a.value.mask === undefined ? undefined : a.value.mask & ones(sf.nBits),
        ),
      ];
    }
    case 'move':
      return [{ type: 'move', src: subfield(ctx, a.src), dst: subfield(ctx, a.dst) }];
    case 'exchange': {
      const x = subfield(ctx, a.a);
      const y = subfield(ctx, a.b);
      return [
        { type: 'push', field: y },
        { type: 'push', field: x },
        { type: 'pop', field: y },
        { type: 'pop', field: x },
      ];
    }
    case 'push':
    case 'pop':
      return [{ type: a.t, field: subfield(ctx, a.field) }];
    case 'dec_ttl':
      // ovn-controller's dec_ttl names no controller (NXAST_DEC_TTL_CNT_IDS with zero ids, `dec_ttl()`): an
      // expiring TTL is dropped silently and the logical pipeline sends the ICMP error itself. A bare dec_ttl
      // would also send a packet-in to controller 0.
      return [{ type: 'dec_ttl', controllerIds: [] }];
    case 'ct_next':
      return [{ type: 'ct', table: pipelineTable(ctx.pipeline, a.table), zone: zoneOf(ctZone) }];
    case 'ct_commit': {
      const exec = encodeActions(ctx, a.nested);
      const ct: CtAction = {
        type: 'ct',
        commit: true,
        zone: zoneOf(ctZone),
        ...(ctx.ctZeroSnat !== false ? { nat: { kind: 'src' } } : {}),
        ...(exec.length ? { exec } : {}),
      };
      return [ct];
    }
    case 'ct_commit_v1': {
      const exec: Action[] = [];
      if (a.mark) exec.push({ type: 'set_field', field: 'ct_mark', value: a.mark.value, mask: a.mark.mask });
      if (a.label) exec.push({ type: 'set_field', field: 'ct_label', value: a.label.value, mask: a.label.mask });
      return [
        {
          type: 'ct',
          commit: true,
          zone: zoneOf(REG.ctZone),
          ...(ctx.ctZeroSnat !== false ? { nat: { kind: 'src' } } : {}),
          ...(exec.length ? { exec } : {}),
        },
      ];
    }
    case 'ct_nat': {
      const zone =
        a.kind === 'ct_dnat'
          ? REG.dnatZone
          : a.kind === 'ct_snat'
            ? REG.snatZone
            : a.kind === 'ct_commit_nat'
              ? ctZone
              : ctx.snatCtZone
                ? REG.snatZone
                : REG.dnatZone;
      const kind = a.kind === 'ct_dnat' || a.kind === 'ct_dnat_in_czone' ? 'dst' : 'src';
      const commit = a.kind === 'ct_commit_nat' || a.ip !== undefined;
      return [
        {
          type: 'ct',
          ...(commit ? { commit: true } : {}),
          table: pipelineTable(ctx.pipeline, a.table),
          zone: zoneOf(zone),
          nat: a.ip ? natRange(kind, a.ip, a.ports) : {},
        },
      ];
    }
    case 'ct_lb': {
      const table = pipelineTable(ctx.pipeline, a.table);
      if (!a.backends.length) return [{ type: 'ct', table, zone: zoneOf(ctZone), nat: {} }];
      const flagField: FieldName = a.mark ? 'ct_mark' : 'ct_label';
      const natted = 1n << BigInt(CT_BIT.natted);
      const buckets: Bucket[] = a.backends.map((b, i) => {
        const exec: Action[] = [{ type: 'set_field', field: flagField, value: natted, mask: natted }];
        if (a.flag) {
          const bit = 1n << BigInt(a.flag === 'skip_snat' ? CT_BIT.lbSkipSnat : CT_BIT.lbForceSnat);
          exec.push({ type: 'set_field', field: flagField, value: bit, mask: bit });
        }
        return {
          bucketId: i,
          weight: 100,
          actions: [
            {
              type: 'ct',
              commit: true,
              table,
              zone: zoneOf(ctZone),
              nat: natRange('dst', b, b.port ? [b.port, 0] : undefined),
              exec,
            },
          ],
        };
      });
      // OVS keeps hash fields in its own field order, whatever order OVN lists them in.
      const order = (n: string) => FIELDS.findIndex((d) => d.name === n || d.aliases.includes(n));
      const fields = a.hashFields
        ?.split(',')
        .map((s) => s.trim())
        .sort((x, y) => order(x) - order(y)) as FieldName[] | undefined;
      const id = ctx.groupId({
        type: 'select',
        selectionMethod: fields ? 'hash' : 'dp_hash',
        ...(fields ? { fields } : {}),
        buckets,
      });
      return [{ type: 'group', groupId: id }];
    }
    case 'ct_clear':
      return [{ type: 'ct_clear' }];
    case 'igmp':
      return [controller(ctx, OPCODE.igmp)];
    case 'dhcp6_reply':
      return [controller(ctx, OPCODE.dhcp6Server)];
    case 'bfd_msg':
      return [controller(ctx, OPCODE.bfdMsg)];
    case 'ct_snat_to_vip':
      return [resubmit(OFTABLE.ctSnatHairpin)];
    case 'nested': {
      if (a.kind === 'clone') return [{ type: 'clone', actions: encodeActions(ctx, a.actions) }];
      const inner = encodeActions(ctx, a.actions);
      return [controller(ctx, NESTED_OPCODE[a.kind], encodeActionsOf15(inner))];
    }
    case 'get_mac':
      return withArgs(
        ctx,
        [
          [a.port, whole(reg(REG.outport), 32)],
          [a.ip, a.v6 ? whole('xxreg0', 128) : whole('reg0', 32)],
        ],
        [load(whole('eth_dst', 48), 0n), resubmit(OFTABLE.macBinding)],
      );
    case 'put_mac':
      return withArgs(
        ctx,
        [
          [a.port, whole(reg(REG.inport), 32)],
          [a.ip, a.v6 ? whole('xxreg0', 128) : whole('reg0', 32)],
          [a.mac, whole('eth_src', 48)],
        ],
        [controller(ctx, a.v6 ? OPCODE.putNd : OPCODE.putArp)],
      );
    case 'lookup_mac':
      return withArgs(
        ctx,
        [
          [a.port, whole(reg(REG.inport), 32)],
          [a.ip, a.v6 ? whole('xxreg0', 128) : whole('reg0', 32)],
          [a.mac, whole('eth_src', 48)],
        ],
        resultBit(ctx, a.dst, OFTABLE.macLookup, MLF.lookupMac),
      );
    case 'lookup_mac_ip':
      return withArgs(
        ctx,
        [
          [a.port, whole(reg(REG.outport), 32)],
          [a.ip, a.v6 ? whole('xxreg0', 128) : whole('reg0', 32)],
        ],
        [
          { type: 'push', field: whole('eth_dst', 48) },
          ...resultBit(ctx, a.dst, OFTABLE.macBinding, MLF.lookupMac),
          { type: 'pop', field: whole('eth_dst', 48) },
        ],
      );
    case 'result':
      switch (a.fn) {
        case 'chk_lb_hairpin':
          return resultBit(ctx, a.dst, OFTABLE.chkLbHairpin, MLF.lookupLbHairpin);
        case 'chk_lb_hairpin_reply':
          return resultBit(ctx, a.dst, OFTABLE.chkLbHairpinReply, MLF.lookupLbHairpin);
        case 'check_in_port_sec':
          return resultBit(ctx, a.dst, OFTABLE.chkInPortSec, MLF.checkPortSec);
        case 'check_out_port_sec':
          return resultBit(ctx, a.dst, OFTABLE.chkOutPortSec, MLF.checkPortSec);
        case 'chk_ecmp_nh_mac':
          return resultBit(ctx, a.dst, OFTABLE.ecmpNhMac, MLF.lookupCommitEcmpNh);
        case 'chk_ecmp_nh':
          return resultBit(ctx, a.dst, OFTABLE.ecmpNh, MLF.lookupCommitEcmpNh);
        case 'chk_lb_aff':
          return resultBit(ctx, a.dst, OFTABLE.chkLbAffinity, MLF.useLbAffSession);
        case 'dns_lookup': {
          const sf = subfield(ctx, a.dst);
          const ofs = [0, 0, 0, sf.start];
          return [
            controller(ctx, OPCODE.dnsLookup, [...fieldHeaderBytes(sf.field), ...ofs.map((x) => x & 0xff)], true),
          ];
        }
      }
      break;
    case 'get_fdb': {
      const dst = subfield(ctx, a.dst);
      const out = withArgs(
        ctx,
        [[a.mac, whole('eth_dst', 48)]],
        [load(whole(reg(REG.outport), 32), 0n), resubmit(OFTABLE.getFdb)],
      );
      if (dst.field !== reg(REG.outport)) out.push({ type: 'move', src: whole(reg(REG.outport), 32), dst });
      return out;
    }
    case 'lookup_fdb':
      return withArgs(
        ctx,
        [
          [a.port, whole(reg(REG.inport), 32)],
          [a.mac, whole('eth_src', 48)],
        ],
        resultBit(ctx, a.dst, OFTABLE.lookupFdb, MLF.lookupFdb),
      );
    case 'put_fdb':
      return withArgs(
        ctx,
        [
          [a.port, whole(reg(REG.inport), 32)],
          [a.mac, whole('eth_src', 48)],
        ],
        [controller(ctx, OPCODE.putFdb)],
      );
    case 'handle_svc_check':
      return withArgs(ctx, [[a.port, whole(reg(REG.inport), 32)]], [controller(ctx, OPCODE.handleSvcCheck)]);
    case 'check_pkt_larger':
      return [{ type: 'check_pkt_larger', len: a.len, dst: subfield(ctx, a.dst) }];
    case 'put_opts': {
      const sf = subfield(ctx, a.dst);
      const head = [...fieldHeaderBytes(sf.field), 0, 0, 0, sf.start & 0xff];
      if (a.kind === 'nd_ra') return [controller(ctx, OPCODE.putNdRaOpts, [...head, ...ndRaBody(a.options)], true)];
      const body =
        a.kind === 'dhcpv4' ? encodeDhcpv4(a.options, ctx.dhcpOptions) : encodeDhcpv6(a.options, ctx.dhcpv6Options);
      return [
        controller(ctx, a.kind === 'dhcpv4' ? OPCODE.putDhcpOpts : OPCODE.putDhcpv6Opts, [...head, ...body], true),
      ];
    }
    case 'ovnfield_load': {
      const v4 = a.field === 'icmp4.frag_mtu';
      const v = a.value.value;
      const body = v4
        ? [Number((v >> 8n) & 0xffn), Number(v & 0xffn)]
        : [24, 16, 8, 0].map((s) => Number((v >> BigInt(s)) & 0xffn));
      return [controller(ctx, v4 ? OPCODE.putIcmp4FragMtu : OPCODE.putIcmp6FragMtu, body, true)];
    }
    case 'select': {
      const sf = subfield(ctx, a.dst);
      const table = pipelineTable(ctx.pipeline, ctx.table + 1);
      const id = ctx.groupId({
        type: 'select',
        selectionMethod: 'dp_hash',
        ...(ctx.dpHashL4Sym !== false ? { selectionMethodParam: 1n << 32n } : {}),
        buckets: a.values.map((v, i) => ({
          bucketId: i,
          weight: v.weight,
          actions: [load(sf, v.value), resubmit(table)],
        })),
      });
      return [{ type: 'group', groupId: id }];
    }
    case 'keyed':
      switch (a.name) {
        case 'log': {
          const { body, meter } = logBody(a.args);
          const meterId = meter === undefined ? undefined : ctx.meterId?.(meter);
          return [controller(ctx, OPCODE.log, body, false, meterId)];
        }
        case 'trigger_event':
          return [controller(ctx, OPCODE.event, eventBody(a.args))];
        case 'commit_lb_aff':
          return [lbAffinityLearn(a.args, ctx.isSwitch)];
        case 'commit_ecmp_nh':
          return ecmpNhLearns(a.args);
        case 'sample':
          return sampleAction(
            a.args,
            ctx.dpKey ?? 0,
            Number.parseInt((ctx.lflowUuid ?? '0').slice(0, 8), 16),
            ctx.flowCollectorIds,
          );
        default:
          throw new UnencodableAction(`${a.name} is not supported by this encoder`);
      }
    case 'bind_vport': {
      const key = ctx.lookupPort(a.vport);
      if (key === undefined) return [];
      return withArgs(
        ctx,
        [[a.port, whole(reg(REG.inport), 32)]],
        [
          controller(
            ctx,
            OPCODE.bindVport,
            [24, 16, 8, 0].map((s) => (key >>> s) & 0xff),
          ),
        ],
      );
    }
    case 'set_meter': {
      // Like ovn-controller, the meter is named by its own description, so equal rates share nothing across flows.
      const name =
        a.burst !== undefined
          ? `__string: uuid ${ctx.lflowUuid ?? ''} kbps burst stats bands=type=drop rate=${a.rate} burst_size=${a.burst}`
          : `__string: uuid ${ctx.lflowUuid ?? ''} kbps stats bands=type=drop rate=${a.rate}`;
      const id = ctx.meterId?.(name);
      if (id === undefined) throw new UnencodableAction('set_meter needs a meter table (EncodeContext.meterId)');
      return [{ type: 'meter', meterId: id }];
    }
    case 'set_queue':
      throw new UnencodableAction('set_queue is not supported by this encoder');
    default:
      break;
  }
  throw new UnencodableAction(`action ${a.t} is not supported by this encoder`);
}

/** Wraps encoder failures as positioned (column 0) compile errors. */
export function encodeOrError(ctx: EncodeContext, actions: readonly OvnAction[], source: string): Action[] {
  try {
    return encodeActions(ctx, actions);
  } catch (e) {
    if (e instanceof UnencodableAction) throw new ExprError('compile', e.message, 0, source);
    throw e;
  }
}
