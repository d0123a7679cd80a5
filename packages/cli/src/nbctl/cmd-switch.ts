// ls-* and lsp-* commands: argument handling and output; the model work is @ovnts/nb's.
import { parsePrefixText } from '@ovnts/net';
import {
  lookup,
  KINDS,
  type NbStore,
  type NbRow,
  addSwitch,
  addSwitchPort,
  deleteSwitch,
  deleteSwitchPort,
  findSwitchPort,
  listSwitches,
  listSwitchPorts,
  parseEnabled,
  setSwitchPortAddresses,
  setSwitchPortEnabled,
  setSwitchPortOptions,
  setSwitchPortSecurity,
  setSwitchPortType,
  parseLspType,
} from '@ovnts/nb';
import { CommandError, has, type CommandImpl, type Ctx } from './context.js';

const arg = (ctx: Ctx, i: number): string => ctx.argv[i] ?? '';

/** "KEY=VALUE" arguments → map; arguments without "=" are ignored, as ovn-nbctl does. */
export function keyValues(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq >= 0) out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

/** Print a map column as KEY=VALUE lines, in the order ovn-nbctl's smap iteration gives (see note). */
export function printMap(m: Record<string, unknown>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${String(v)}\n`)
    .join('');
}

const sortedLines = (xs: readonly string[]) =>
  [...xs]
    .sort()
    .map((x) => `${x}\n`)
    .join('');

export function dhcpOptionsGet(s: NbStore, id: string): NbRow<'DHCP_Options'> {
  const uuidLike = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id);
  const row = uuidLike ? s.get('DHCP_Options', id.toLowerCase()) : undefined;
  if (!row) throw new CommandError(`${id}: dhcp options UUID not found`);
  return row;
}

function setDhcp(ctx: Ctx, column: 'dhcpv4_options' | 'dhcpv6_options'): void {
  const lsp = findSwitchPort(ctx.store, arg(ctx, 1));
  let uuid: NbRow<'DHCP_Options'>['_uuid'] | null = null;
  if (ctx.argv.length === 3) {
    const d = dhcpOptionsGet(ctx.store, arg(ctx, 2));
    const c = parsePrefixText(String(d.cidr));
    const want = column === 'dhcpv4_options' ? 4 : 6;
    if (!c || c.addr.family !== want || !String(d.cidr).includes('/')) {
      throw new CommandError(`DHCP options cidr '${String(d.cidr)}' is not IPv${want}`);
    }
    uuid = d._uuid;
  }
  ctx.store.set('Logical_Switch_Port', lsp, column, uuid);
}

function getDhcp(ctx: Ctx, column: 'dhcpv4_options' | 'dhcpv6_options'): void {
  const lsp = findSwitchPort(ctx.store, arg(ctx, 1));
  const u = lsp[column] as string | null;
  const d = u ? ctx.store.get('DHCP_Options', u) : undefined;
  if (d) ctx.output += `${d._uuid} (${String(d.cidr)})\n`;
}

export const commands: Record<string, CommandImpl> = {
  'ls-add': (ctx) => {
    addSwitch(ctx.store, ctx.argv.length === 2 ? arg(ctx, 1) : undefined, {
      mayExist: has(ctx, '--may-exist'),
      addDuplicate: has(ctx, '--add-duplicate'),
    });
  },
  'ls-del': (ctx) => deleteSwitch(ctx.store, arg(ctx, 1), { ifExists: has(ctx, '--if-exists') }),
  'ls-list': (ctx) => {
    for (const ls of listSwitches(ctx.store)) ctx.output += `${ls._uuid} (${String(ls.name)})\n`;
  },
  'lsp-add': (ctx) => {
    let parent: { name: string; tag: number } | undefined;
    if (ctx.argv.length === 5) {
      const t = arg(ctx, 4);
      const m = /^\s*[-+]?\d+/.exec(t);
      const tag = m ? Number(m[0]) : NaN;
      lookup(ctx.store, KINDS.switch, arg(ctx, 1), true);
      if (!m || tag < 0 || tag > 4095) throw new CommandError(`${t}: invalid tag (must be in range 0 to 4095)`);
      parent = { name: arg(ctx, 3), tag };
    } else if (ctx.argv.length !== 3) {
      lookup(ctx.store, KINDS.switch, arg(ctx, 1), true);
      throw new CommandError('lsp-add with parent must also specify a tag');
    }
    addSwitchPort(ctx.store, arg(ctx, 1), arg(ctx, 2), {
      mayExist: has(ctx, '--may-exist'),
      ...(parent ? { parent } : {}),
    });
  },
  'lsp-del': (ctx) => deleteSwitchPort(ctx.store, arg(ctx, 1), { ifExists: has(ctx, '--if-exists') }),
  'lsp-list': (ctx) => {
    for (const p of listSwitchPorts(ctx.store, arg(ctx, 1))) ctx.output += `${p._uuid} (${String(p.name)})\n`;
  },
  'lsp-get-parent': (ctx) => {
    const p = findSwitchPort(ctx.store, arg(ctx, 1))['parent_name'];
    if (p !== null) ctx.output += `${String(p)}\n`;
  },
  'lsp-get-tag': (ctx) => {
    const t = findSwitchPort(ctx.store, arg(ctx, 1))['tag'];
    if (t !== null) ctx.output += `${String(t)}\n`;
  },
  'lsp-set-addresses': (ctx) => setSwitchPortAddresses(ctx.store, arg(ctx, 1), ctx.argv.slice(2)),
  'lsp-get-addresses': (ctx) => {
    const lsp = findSwitchPort(ctx.store, arg(ctx, 1));
    const addrs = lsp.addresses;
    const rp = lsp.options['router-port'];
    if (addrs.length === 1 && addrs[0] === 'router' && rp !== undefined) {
      const lrp = lookup(ctx.store, KINDS.routerPort, rp, false);
      if (lrp) {
        ctx.output += `${String(lrp.mac)}${lrp.networks.map((n) => ` ${n}`).join('')}\n`;
        return;
      }
    }
    ctx.output += sortedLines(addrs);
  },
  'lsp-set-port-security': (ctx) => setSwitchPortSecurity(ctx.store, arg(ctx, 1), ctx.argv.slice(2)),
  'lsp-get-port-security': (ctx) => {
    ctx.output += sortedLines(findSwitchPort(ctx.store, arg(ctx, 1))['port_security']);
  },
  'lsp-get-up': (ctx) => {
    ctx.output += `${findSwitchPort(ctx.store, arg(ctx, 1))['up'] === true ? 'up' : 'down'}\n`;
  },
  'lsp-set-enabled': (ctx) => {
    findSwitchPort(ctx.store, arg(ctx, 1));
    setSwitchPortEnabled(ctx.store, arg(ctx, 1), parseEnabled(arg(ctx, 2)));
  },
  'lsp-get-enabled': (ctx) => {
    ctx.output += `${findSwitchPort(ctx.store, arg(ctx, 1))['enabled'] === false ? 'disabled' : 'enabled'}\n`;
  },
  'lsp-set-type': (ctx) => {
    findSwitchPort(ctx.store, arg(ctx, 1));
    setSwitchPortType(ctx.store, arg(ctx, 1), parseLspType(arg(ctx, 2)));
  },
  'lsp-get-type': (ctx) => {
    ctx.output += `${String(findSwitchPort(ctx.store, arg(ctx, 1))['type'])}\n`;
  },
  'lsp-set-options': (ctx) => setSwitchPortOptions(ctx.store, arg(ctx, 1), keyValues(ctx.argv.slice(2))),
  'lsp-get-options': (ctx) => {
    ctx.output += printMap(findSwitchPort(ctx.store, arg(ctx, 1))['options']);
  },
  'lsp-set-dhcpv4-options': (ctx) => setDhcp(ctx, 'dhcpv4_options'),
  'lsp-set-dhcpv6-options': (ctx) => setDhcp(ctx, 'dhcpv6_options'),
  'lsp-get-dhcpv4-options': (ctx) => getDhcp(ctx, 'dhcpv4_options'),
  'lsp-get-dhcpv6-options': (ctx) => getDhcp(ctx, 'dhcpv6_options'),
  'lsp-get-ls': (ctx) => {
    const lsp = findSwitchPort(ctx.store, arg(ctx, 1));
    for (const ls of ctx.store.rows('Logical_Switch')) {
      if (ls.ports.includes(lsp._uuid)) ctx.output += `${ls._uuid} (${String(ls.name)})\n`;
    }
  },
};
