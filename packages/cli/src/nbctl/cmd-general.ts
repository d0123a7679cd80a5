// init, sync and show.
import { derefAll, lookup, KINDS, type NbRow, type NbStore } from '@ovnts/nb';
import type { TableName } from '@ovnts/schema/nb';
import type { CommandImpl } from './context.js';

/** The referenced rows in UUID order, as ovn-nbctl's show walks them. */
const byUuid = <T extends TableName>(s: NbStore, table: T, uuids: readonly string[]): NbRow<T>[] =>
  derefAll(s, table, [...uuids].sort());

function alias(ids: Record<string, string>, key: string): string {
  const a = ids[key];
  return a ? ` (aka ${a})` : '';
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const quotedList = (xs: readonly string[]) => `[${xs.map((x) => `"${x}"`).join(', ')}]`;

export function showSwitch(s: NbStore, ls: NbRow<'Logical_Switch'>): string {
  let o = `switch ${ls._uuid} (${ls.name})${alias(ls.external_ids, 'neutron:network_name')}\n`;
  for (const p of byUuid(s, 'Logical_Switch_Port', ls.ports)) {
    o += `    port ${p.name}${alias(p.external_ids, 'neutron:port_name')}\n`;
    if (p.type) o += `        type: ${p.type}\n`;
    if (p.parent_name !== null) o += `        parent: ${p.parent_name}\n`;
    if (p.tag !== null) o += `        tag: ${p.tag}\n`;
    const addrs = p.addresses;
    if (addrs.length && !(addrs.length === 1 && addrs[0] === 'router'))
      o += `        addresses: ${quotedList(addrs)}\n`;
    const rp = p.options['router-port'];
    if (rp !== undefined) o += `        router-port: ${rp}\n`;
  }
  return o;
}

export function showRouter(s: NbStore, lr: NbRow<'Logical_Router'>): string {
  let o = `router ${lr._uuid} (${lr.name})${alias(lr.external_ids, 'neutron:router_name')}\n`;
  for (const p of byUuid(s, 'Logical_Router_Port', lr.ports)) {
    o += `    port ${p.name}\n`;
    o += `        mac: "${p.mac}"\n`;
    const nets = p.networks;
    if (nets.length) o += `        networks: ${quotedList(nets)}\n`;
    const rt = p.options['route_table'];
    if (rt !== undefined) o += `        route-table: ${rt}\n`;
    const gcs = byUuid(s, 'Gateway_Chassis', p.gateway_chassis).sort(
      (a, b) => b.priority - a.priority || cmpStr(b.name, a.name),
    );
    if (gcs.length) o += `        gateway chassis: [${gcs.map((g) => g.chassis_name).join(' ')}]\n`;
  }
  for (const n of byUuid(s, 'NAT', lr.nat)) {
    o += `    nat ${n._uuid}\n        external ip: "${n.external_ip}"\n`;
    if (n.external_port_range) o += `        external port(s): "${n.external_port_range}"\n`;
    o += `        logical ip: "${n.logical_ip}"\n        type: "${n.type}"\n`;
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
