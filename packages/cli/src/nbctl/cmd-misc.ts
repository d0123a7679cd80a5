// dhcp-options-* and ha-chassis-group-* commands.
import {
  addCoppMeter,
  parseCoppProtocol,
  deleteCopp,
  findCopp,
  setCopp,
  setSsl,
  deleteSsl,
  addStaticMacBinding,
  deleteStaticMacBinding,
  setConnections,
  deleteConnections,
  addHaChassis,
  addHaChassisGroup,
  createDhcpOptions,
  deleteDhcpOptions,
  deleteHaChassisGroup,
  findDhcpOptions,
  removeHaChassis,
  setDhcpOptions,
  setHaChassisPriority,
  lookup,
  KINDS,
  addForwardingGroup,
  deleteForwardingGroup,
  fwdGroupSwitch,
  addMirror,
  attachMirror,
  deleteMirrors,
  detachMirror,
  checkMirrorName,
  derefAll,
  findHaChassisGroup,
  parseMirrorFilter,
  parseMirrorIndex,
  parseMirrorType,
  parsePriority,
} from '@ovnts/nb';
import { CommandError, has, type CommandImpl, type Ctx } from './context.js';
import { keyValues, printMap } from './cmd-switch.js';

const arg = (ctx: Ctx, i: number): string => ctx.argv[i] ?? '';

export const commands: Record<string, CommandImpl> = {
  'dhcp-options-create': (ctx) => void createDhcpOptions(ctx.store, arg(ctx, 1), keyValues(ctx.argv.slice(2))),
  'dhcp-options-del': (ctx) => deleteDhcpOptions(ctx.store, arg(ctx, 1), { ifExists: has(ctx, '--if-exists') }),
  'dhcp-options-list': (ctx) => {
    const rows = [...ctx.store.rows('DHCP_Options')].sort((a, b) =>
      String(a.cidr) < String(b.cidr) ? -1 : String(a.cidr) > String(b.cidr) ? 1 : 0,
    );
    for (const r of rows) ctx.output += `${r._uuid}\n`;
  },
  'dhcp-options-set-options': (ctx) => setDhcpOptions(ctx.store, arg(ctx, 1), keyValues(ctx.argv.slice(2))),
  'dhcp-options-get-options': (ctx) => {
    ctx.output += printMap(findDhcpOptions(ctx.store, arg(ctx, 1)).options);
  },
  'static-mac-binding-add': (ctx) =>
    void addStaticMacBinding(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), { mayExist: has(ctx, '--may-exist') }),
  'static-mac-binding-del': (ctx) =>
    deleteStaticMacBinding(ctx.store, arg(ctx, 1), arg(ctx, 2), { ifExists: has(ctx, '--if-exists') }),
  'static-mac-binding-list': (ctx) => {
    const rows = ctx.store
      .rows('Static_MAC_Binding')
      .map((r) => [String(r.logical_port).padEnd(25) + String(r.ip).padEnd(25), String(r.mac)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (!rows.length) return;
    ctx.output += `${'LOGICAL_PORT'.padEnd(25)}${'IP'.padEnd(25)}MAC\n`;
    for (const [k, v] of rows) ctx.output += `${k.padEnd(25)}${v}\n`;
  },
  'get-connection': (ctx) => {
    const targets = [...new Set(ctx.store.rows('Connection').map((c) => String(c.target)))].sort();
    for (const t of targets) ctx.output += `${t}\n`;
  },
  'del-connection': (ctx) => deleteConnections(ctx.store),
  'set-connection': (ctx) => {
    const probe = ctx.options.get('--inactivity-probe');
    setConnections(ctx.store, ctx.argv.slice(1), probe != null ? parseInt(probe, 10) || 0 : undefined);
  },
  'mirror-add': (ctx) => {
    // ovn-nbctl's order: name, type, index, filter; the sink is checked by addMirror.
    checkMirrorName(ctx.store, arg(ctx, 1));
    const type = parseMirrorType(arg(ctx, 2));
    const index = parseMirrorIndex(arg(ctx, 3));
    const filter = parseMirrorFilter(arg(ctx, 4));
    addMirror(ctx.store, arg(ctx, 1), { type, index, filter, sink: arg(ctx, 5) });
  },
  'mirror-del': (ctx) => deleteMirrors(ctx.store, ctx.argv.length > 1 ? arg(ctx, 1) : undefined),
  'mirror-list': (ctx) => {
    const ms = [...ctx.store.rows('Mirror')].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const m of ms) {
      ctx.output += `${m.name}:\n  Type     :  ${m.type}\n  Sink     :  ${m.sink}\n`;
      ctx.output += `  Filter   :  ${m.filter}\n  Index/Key:  ${m.index}\n\n`;
    }
  },
  'lsp-attach-mirror': (ctx) =>
    attachMirror(ctx.store, arg(ctx, 1), arg(ctx, 2), { mayExist: has(ctx, '--may-exist') }),
  'lsp-detach-mirror': (ctx) => detachMirror(ctx.store, arg(ctx, 1), arg(ctx, 2)),
  'fwd-group-add': (ctx) => {
    if (ctx.argv.length <= 5) {
      throw new CommandError('Usage : ovn-nbctl fwd-group-add group switch vip vmac child_ports...');
    }
    addForwardingGroup(ctx.store, arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), arg(ctx, 4), ctx.argv.slice(5), {
      liveness: has(ctx, '--liveness'),
    });
  },
  'fwd-group-del': (ctx) => deleteForwardingGroup(ctx.store, arg(ctx, 1)),
  'fwd-group-list': (ctx) => {
    const only = ctx.argv.length > 1 ? arg(ctx, 1) : undefined;
    if (only !== undefined) lookup(ctx.store, KINDS.switch, only, true);
    const col = (s: string, w: number, p: number) => s.slice(0, p).padEnd(w);
    ctx.output += `${col('FWD_GROUP', 16, 16)}${col('LS', 14, 16)}${col('VIP', 16, 7)}${col('VMAC', 22, 21)}CHILD_PORTS\n`;
    for (const g of ctx.store.rows('Forwarding_Group')) {
      const ls = fwdGroupSwitch(ctx.store, g);
      if (!ls || (only !== undefined && ls.name !== only)) continue;
      ctx.output += `${col(String(g.name), 16, 16)}${col(String(ls.name), 14, 18)}${col(String(g.vip), 15, 16)}${col(String(g.vmac), 9, 18)}     `;
      ctx.output += g.child_port.map((p) => ` ${p}`).join('') + '\n';
    }
  },
  'copp-add': (ctx) => void addCoppMeter(ctx.store, arg(ctx, 1), parseCoppProtocol(arg(ctx, 2)), arg(ctx, 3)),
  'copp-del': (ctx) =>
    deleteCopp(ctx.store, arg(ctx, 1), ctx.argv.length === 3 ? parseCoppProtocol(arg(ctx, 2)) : undefined),
  'copp-list': (ctx) => {
    const copp = findCopp(ctx.store, arg(ctx, 1), false);
    if (copp) ctx.output += printMap(copp.meters).replace(/=/g, ': ');
  },
  'ls-copp-add': (ctx) => setCopp(ctx.store, 'switch', arg(ctx, 2), arg(ctx, 1)),
  'lr-copp-add': (ctx) => setCopp(ctx.store, 'router', arg(ctx, 2), arg(ctx, 1)),
  'get-ssl': (ctx) => {
    const ssl = ctx.store.rows('SSL')[0];
    if (!ssl) return;
    ctx.output += `Private key: ${String(ssl.private_key)}\nCertificate: ${String(ssl.certificate)}\n`;
    ctx.output += `CA Certificate: ${String(ssl.ca_cert)}\nBootstrap: ${ssl.bootstrap_ca_cert ? 'true' : 'false'}\n`;
  },
  'del-ssl': (ctx) => deleteSsl(ctx.store),
  'set-ssl': (ctx) =>
    void setSsl(ctx.store, {
      privateKey: arg(ctx, 1),
      certificate: arg(ctx, 2),
      caCert: arg(ctx, 3),
      bootstrap: has(ctx, '--bootstrap'),
      ...(ctx.argv.length > 4 ? { protocols: arg(ctx, 4) } : {}),
      ...(ctx.argv.length > 5 ? { ciphers: arg(ctx, 5) } : {}),
    }),
  'ha-chassis-group-add': (ctx) => void addHaChassisGroup(ctx.store, arg(ctx, 1)),
  'ha-chassis-group-del': (ctx) => deleteHaChassisGroup(ctx.store, arg(ctx, 1)),
  'ha-chassis-group-list': (ctx) => {
    for (const g of ctx.store.rows('HA_Chassis_Group')) {
      ctx.output += `${g._uuid} (${g.name})\n`;
      for (const c of derefAll(ctx.store, 'HA_Chassis', [...g.ha_chassis].sort()))
        ctx.output += `    ${c._uuid} (${c.chassis_name})\n    priority ${c.priority}\n\n`;
      ctx.output += '\n';
    }
  },
  'ha-chassis-group-add-chassis': (ctx) => {
    findHaChassisGroup(ctx.store, arg(ctx, 1));
    addHaChassis(ctx.store, arg(ctx, 1), arg(ctx, 2), parsePriority(arg(ctx, 3)));
  },
  'ha-chassis-group-remove-chassis': (ctx) => removeHaChassis(ctx.store, arg(ctx, 1), arg(ctx, 2)),
  'ha-chassis-group-set-chassis-prio': (ctx) => {
    findHaChassisGroup(ctx.store, arg(ctx, 1));
    setHaChassisPriority(ctx.store, arg(ctx, 1), arg(ctx, 2), parsePriority(arg(ctx, 3)));
  },
};
