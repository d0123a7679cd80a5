// acl-*, pg-*, qos-* and meter-* commands.
import {
  aclTarget,
  addAcl,
  addMeter,
  addPortGroup,
  addQos,
  checkMeterName,
  compareQos,
  deleteAcls,
  deleteMeters,
  deletePortGroup,
  deleteQos,
  derefAll,
  isUuid,
  listAcls,
  parseAclAction,
  parseAclLabel,
  parseDirection,
  parseMeterBand,
  parsePriority,
  parseQosArgs,
  parseSeverity,
  setPortGroupPorts,
  lookup,
  KINDS,
  parseAclTargetType,
  type AclTarget,
  type NbRow,
} from '@ovnts/nb';
import { CommandError, has, opt, type CommandImpl, type Ctx } from './context.js';

const arg = (ctx: Ctx, i: number): string => ctx.argv[i] ?? '';

/** The switch or port group an acl-* command names (--type forces which). */
function target(ctx: Ctx): AclTarget {
  const type = opt(ctx, '--type');
  return aclTarget(ctx.store, arg(ctx, 1), type === undefined ? undefined : parseAclTargetType(type));
}
const a = (ctx: Ctx, i: number) => (ctx.argv.length > i ? arg(ctx, i) : undefined);

function formatAcl(acl: NbRow<'ACL'>): string {
  let o = `${acl.direction.padStart(10)} ${String(acl.priority).padStart(5)} (${acl.match}) ${acl.action}`;
  if (acl.log) {
    const parts: string[] = [];
    if (acl.name !== null) parts.push(`name=${acl.name}`);
    if (acl.severity !== null) parts.push(`severity=${acl.severity}`);
    if (acl.meter !== null) parts.push(`meter="${acl.meter}"`);
    o += ` log(${parts.join(',')})`;
  }
  if (acl.label) o += ` label=${acl.label}`;
  if (['true', 'yes', 'on', '1'].includes(acl.options['apply-after-lb'] ?? '')) o += ' [after-lb]';
  return o + '\n';
}

export const commands: Record<string, CommandImpl> = {
  'acl-add': (ctx) => {
    // ovn-nbctl's order: target, direction, priority, action, severity, label.
    const t = target(ctx);
    const o = (k: string) => opt(ctx, k);
    const direction = parseDirection(arg(ctx, 2));
    const priority = parsePriority(arg(ctx, 3));
    const action = parseAclAction(arg(ctx, 5));
    const severity = o('--severity');
    const label = o('--label');
    addAcl(ctx.store, t, direction, priority, arg(ctx, 4), action, {
      log: has(ctx, '--log'),
      mayExist: has(ctx, '--may-exist'),
      applyAfterLb: has(ctx, '--apply-after-lb'),
      ...(severity !== undefined ? { severity: parseSeverity(severity) } : {}),
      ...(o('--name') !== undefined ? { name: o('--name')! } : {}),
      ...(o('--meter') !== undefined ? { meter: o('--meter')! } : {}),
      ...(label !== undefined ? { label: parseAclLabel(label, action) } : {}),
    });
  },
  'acl-del': (ctx) => {
    const t = target(ctx);
    const dir = a(ctx, 2);
    const prio = a(ctx, 3);
    if (dir === undefined) return deleteAcls(ctx.store, t);
    const direction = parseDirection(dir);
    deleteAcls(ctx.store, t, direction, prio === undefined ? undefined : parsePriority(prio), a(ctx, 4));
  },
  'acl-list': (ctx) => {
    const t = target(ctx);
    for (const acl of listAcls(ctx.store, t)) ctx.output += formatAcl(acl);
  },
  'pg-add': (ctx) => void addPortGroup(ctx.store, arg(ctx, 1), ctx.argv.slice(2)),
  'pg-set-ports': (ctx) =>
    setPortGroupPorts(ctx.store, lookup(ctx.store, KINDS.portGroup, arg(ctx, 1), true), ctx.argv.slice(2)),
  'pg-del': (ctx) => deletePortGroup(ctx.store, arg(ctx, 1)),
  'qos-add': (ctx) => {
    // ovn-nbctl's order: direction, priority, switch, then the dscp/rate/burst arguments.
    const direction = parseDirection(arg(ctx, 2));
    const priority = parsePriority(arg(ctx, 3));
    lookup(ctx.store, KINDS.switch, arg(ctx, 1), true);
    const qos = parseQosArgs(ctx.argv.slice(5));
    addQos(ctx.store, arg(ctx, 1), direction, priority, arg(ctx, 4), qos, { mayExist: has(ctx, '--may-exist') });
  },
  'qos-del': (ctx) => {
    lookup(ctx.store, KINDS.switch, arg(ctx, 1), true);
    const which = a(ctx, 2);
    const prio = a(ctx, 3);
    if (which === undefined) return deleteQos(ctx.store, arg(ctx, 1));
    if (isUuid(which)) {
      if (prio !== undefined) throw new CommandError('uuid must be the only argument');
      return deleteQos(ctx.store, arg(ctx, 1), { uuid: which });
    }
    const direction = parseDirection(which);
    if (prio === undefined) return deleteQos(ctx.store, arg(ctx, 1), { direction });
    const priority = parsePriority(prio);
    const match = a(ctx, 4);
    deleteQos(ctx.store, arg(ctx, 1), { direction, priority, ...(match !== undefined ? { match } : {}) });
  },
  'qos-list': (ctx) => {
    const ls = lookup(ctx.store, KINDS.switch, arg(ctx, 1), true);
    for (const q of derefAll(ctx.store, 'QoS', ls.qos_rules).sort(compareQos)) {
      let o = `${q.direction.padStart(10)} ${String(q.priority).padStart(5)} (${q.match})`;
      const bw = q.bandwidth;
      if (bw['rate'] !== undefined) o += ` rate=${bw['rate']}`;
      if (bw['burst'] !== undefined) o += ` burst=${bw['burst']}`;
      if (q.action['dscp'] !== undefined) o += ` dscp=${q.action['dscp']}`;
      ctx.output += o + '\n';
    }
  },
  'meter-add': (ctx) => {
    const mayExist = has(ctx, '--may-exist');
    checkMeterName(ctx.store, arg(ctx, 1), mayExist);
    const band = parseMeterBand(arg(ctx, 2), arg(ctx, 3), arg(ctx, 4), a(ctx, 5));
    addMeter(ctx.store, arg(ctx, 1), band, { mayExist, fair: has(ctx, '--fair') });
  },
  'meter-del': (ctx) => deleteMeters(ctx.store, a(ctx, 1)),
  'meter-list': (ctx) => {
    const meters = [...ctx.store.rows('Meter')].sort((x, y) => (x.name < y.name ? -1 : 1));
    for (const m of meters) {
      ctx.output += `${m.name}:`;
      if (m.fair !== null) ctx.output += ` (${m.fair ? 'fair' : 'shared'})`;
      ctx.output += ' bands:\n';
      for (const b of derefAll(ctx.store, 'Meter_Band', m.bands)) {
        ctx.output += `  ${b.action}: ${b.rate} ${m.unit}`;
        if (b.burst_size) ctx.output += `, ${b.burst_size} ${m.unit === 'kbps' ? 'kb' : 'packet'} burst`;
        ctx.output += '\n';
      }
    }
  },
};
