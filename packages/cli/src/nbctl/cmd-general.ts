// init, sync and show.
import { lookup, KINDS, type NbStore, type Row } from '@ovnts/nb';
import type { CommandImpl } from './context.js';

const byUuid = (s: NbStore, table: string, uuids: readonly string[]): Row[] =>
  [...uuids]
    .sort()
    .map((u) => s.deref(table, u))
    .filter((r): r is Row => !!r);

function alias(ids: Record<string, string>, key: string): string {
  const a = ids[key];
  return a ? ` (aka ${a})` : '';
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const quotedList = (xs: readonly string[]) => `[${xs.map((x) => `"${x}"`).join(', ')}]`;

export function showSwitch(s: NbStore, ls: Row): string {
  let o = `switch ${ls._uuid} (${String(ls['name'])})${alias(ls['external_ids'] as Record<string, string>, 'neutron:network_name')}\n`;
  for (const p of byUuid(s, 'Logical_Switch_Port', ls['ports'] as string[])) {
    o += `    port ${String(p['name'])}${alias(p['external_ids'] as Record<string, string>, 'neutron:port_name')}\n`;
    if (p['type']) o += `        type: ${String(p['type'])}\n`;
    if (p['parent_name'] !== null) o += `        parent: ${String(p['parent_name'])}\n`;
    if (p['tag'] !== null) o += `        tag: ${String(p['tag'])}\n`;
    const addrs = p['addresses'] as string[];
    if (addrs.length && !(addrs.length === 1 && addrs[0] === 'router'))
      o += `        addresses: ${quotedList(addrs)}\n`;
    const rp = (p['options'] as Record<string, string>)['router-port'];
    if (rp !== undefined) o += `        router-port: ${rp}\n`;
  }
  return o;
}

export function showRouter(s: NbStore, lr: Row): string {
  let o = `router ${lr._uuid} (${String(lr['name'])})${alias(lr['external_ids'] as Record<string, string>, 'neutron:router_name')}\n`;
  for (const p of byUuid(s, 'Logical_Router_Port', lr['ports'] as string[])) {
    o += `    port ${String(p['name'])}\n`;
    if (p['mac'] !== null) o += `        mac: "${String(p['mac'])}"\n`;
    const nets = p['networks'] as string[];
    if (nets.length) o += `        networks: ${quotedList(nets)}\n`;
    const rt = (p['options'] as Record<string, string>)['route_table'];
    if (rt !== undefined) o += `        route-table: ${rt}\n`;
    const gcs = byUuid(s, 'Gateway_Chassis', p['gateway_chassis'] as string[]).sort(
      (a, b) => Number(b['priority']) - Number(a['priority']) || cmpStr(String(b['name']), String(a['name'])),
    );
    if (gcs.length) o += `        gateway chassis: [${gcs.map((g) => String(g['chassis_name'])).join(' ')}]\n`;
  }
  for (const n of byUuid(s, 'NAT', lr['nat'] as string[])) {
    o += `    nat ${n._uuid}\n        external ip: "${String(n['external_ip'])}"\n`;
    if (n['external_port_range']) o += `        external port(s): "${String(n['external_port_range'])}"\n`;
    o += `        logical ip: "${String(n['logical_ip'])}"\n        type: "${String(n['type'])}"\n`;
  }
  return o;
}

export const commands: Record<string, CommandImpl> = {
  init: () => {},
  sync: () => {},
  show: (ctx) => {
    const s = ctx.store;
    if (ctx.argv.length === 2) {
      const ls = lookup(s, KINDS.switch, ctx.argv[1]!, false);
      if (ls) ctx.output += showSwitch(s, ls);
      const lr = lookup(s, KINDS.router, ctx.argv[1]!, false);
      if (lr) ctx.output += showRouter(s, lr);
      return;
    }
    for (const ls of s.rows('Logical_Switch')) ctx.output += showSwitch(s, ls);
    for (const lr of s.rows('Logical_Router')) ctx.output += showRouter(s, lr);
  },
};
