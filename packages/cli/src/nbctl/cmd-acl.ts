// acl-*, pg-*, qos-* and meter-* commands.
import {
  aclTarget,
  addAcl,
  addMeter,
  addPortGroup,
  addQos,
  compareQos,
  deleteAcls,
  deleteMeters,
  deletePortGroup,
  deleteQos,
  listAcls,
  setPortGroupPorts,
  lookup,
  KINDS,
  type Row,
} from '@ovnts/nb';
import { has, opt, type CommandImpl, type Ctx } from './context.js';

const arg = (ctx: Ctx, i: number): string => ctx.argv[i] ?? '';
const a = (ctx: Ctx, i: number) => (ctx.argv.length > i ? arg(ctx, i) : undefined);

function formatAcl(acl: Row): string {
  let o = `${String(acl['direction']).padStart(10)} ${String(acl['priority']).padStart(5)} (${String(acl['match'])}) ${String(acl['action'])}`;
  if (acl['log'] === true) {
    const parts: string[] = [];
    if (acl['name'] !== null) parts.push(`name=${String(acl['name'])}`);
    if (acl['severity'] !== null) parts.push(`severity=${String(acl['severity'])}`);
    if (acl['meter'] !== null) parts.push(`meter="${String(acl['meter'])}"`);
    o += ` log(${parts.join(',')})`;
  }
  if (acl['label']) o += ` label=${String(acl['label'])}`;
  if (['true', 'yes', 'on', '1'].includes((acl['options'] as Record<string, string>)['apply-after-lb'] ?? ''))
    o += ' [after-lb]';
  return o + '\n';
}

export const commands: Record<string, CommandImpl> = {
  'acl-add': (ctx) => {
    const t = aclTarget(ctx.store, arg(ctx, 1), opt(ctx, '--type'));
    const o = (k: string) => opt(ctx, k);
    addAcl(ctx.store, t, arg(ctx, 2), arg(ctx, 3), arg(ctx, 4), arg(ctx, 5), {
      log: has(ctx, '--log'),
      mayExist: has(ctx, '--may-exist'),
      applyAfterLb: has(ctx, '--apply-after-lb'),
      ...(o('--severity') !== undefined ? { severity: o('--severity')! } : {}),
      ...(o('--name') !== undefined ? { name: o('--name')! } : {}),
      ...(o('--meter') !== undefined ? { meter: o('--meter')! } : {}),
      ...(o('--label') !== undefined ? { label: o('--label')! } : {}),
    });
  },
  'acl-del': (ctx) => {
    const t = aclTarget(ctx.store, arg(ctx, 1), opt(ctx, '--type'));
    deleteAcls(ctx.store, t, a(ctx, 2), a(ctx, 3), a(ctx, 4));
  },
  'acl-list': (ctx) => {
    const t = aclTarget(ctx.store, arg(ctx, 1), opt(ctx, '--type'));
    for (const acl of listAcls(ctx.store, t)) ctx.output += formatAcl(acl);
  },
  'pg-add': (ctx) => void addPortGroup(ctx.store, arg(ctx, 1), ctx.argv.slice(2)),
  'pg-set-ports': (ctx) =>
    setPortGroupPorts(ctx.store, lookup(ctx.store, KINDS.portGroup, arg(ctx, 1), true)!, ctx.argv.slice(2)),
  'pg-del': (ctx) => deletePortGroup(ctx.store, arg(ctx, 1)),
  'qos-add': (ctx) =>
    void addQos(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), arg(ctx, 4), ctx.argv.slice(5), {
      mayExist: has(ctx, '--may-exist'),
    }),
  'qos-del': (ctx) => deleteQos(ctx.store, arg(ctx, 1), a(ctx, 2), a(ctx, 3), a(ctx, 4)),
  'qos-list': (ctx) => {
    const ls = lookup(ctx.store, KINDS.switch, arg(ctx, 1), true)!;
    const rules = (ls['qos_rules'] as string[])
      .map((u) => ctx.store.deref('QoS', u))
      .filter((r): r is Row => !!r)
      .sort(compareQos);
    for (const q of rules) {
      let o = `${String(q['direction']).padStart(10)} ${String(q['priority']).padStart(5)} (${String(q['match'])})`;
      const bw = q['bandwidth'] as Record<string, number>;
      if (bw['rate'] !== undefined) o += ` rate=${bw['rate']}`;
      if (bw['burst'] !== undefined) o += ` burst=${bw['burst']}`;
      const act = q['action'] as Record<string, number>;
      if (act['dscp'] !== undefined) o += ` dscp=${act['dscp']}`;
      ctx.output += o + '\n';
    }
  },
  'meter-add': (ctx) =>
    void addMeter(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), arg(ctx, 4), a(ctx, 5), {
      mayExist: has(ctx, '--may-exist'),
      fair: has(ctx, '--fair'),
    }),
  'meter-del': (ctx) => deleteMeters(ctx.store, a(ctx, 1)),
  'meter-list': (ctx) => {
    const meters = [...ctx.store.rows('Meter')].sort((x, y) => (String(x['name']) < String(y['name']) ? -1 : 1));
    for (const m of meters) {
      ctx.output += `${String(m['name'])}:`;
      if (m['fair'] !== null) ctx.output += ` (${m['fair'] ? 'fair' : 'shared'})`;
      ctx.output += ' bands:\n';
      for (const u of m['bands'] as string[]) {
        const b = ctx.store.deref('Meter_Band', u);
        if (!b) continue;
        ctx.output += `  ${String(b['action'])}: ${String(b['rate'])} ${String(m['unit'])}`;
        if (b['burst_size'])
          ctx.output += `, ${String(b['burst_size'])} ${m['unit'] === 'kbps' ? 'kb' : 'packet'} burst`;
        ctx.output += '\n';
      }
    }
  },
};
