// Seeded random NB edits over a MemNb holding a k8s-like topology: one valid OVSDB transaction per call,
// chosen by looking at the current contents. Most edits are what a CMS does (ports, ACLs, port groups,
// address sets, load balancers, NAT, routes, routers, DHCP, DNS); a few put in content ovsdb-server accepts
// but that is wrong (bad MACs and CIDRs, a port in two switches, dangling router peers), which the
// compiler must survive with diagnostics. For differential tests of the incremental engine.
import { k8sStatefulOps, type K8sStatefulShape } from './k8s-stateful.js';
import { k8sNbOps } from './k8s-topology.js';
import { MemNb } from './mem-nb.js';

export type Rng = () => number;

/** mulberry32: a small, fast, seeded PRNG returning numbers in [0, 1). */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SMALL_K8S_SHAPE: K8sStatefulShape = { nodes: 6, podsPerNode: 8, vips: 20, acls: 60 };

const set = (xs: readonly unknown[]) => ['set', xs];
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const uuid = (u: string) => ['uuid', u];
const named = (n: string) => ['named-uuid', n];
const byUuid = (u: string) => [['_uuid', '==', uuid(u)]];
/** Insert a Logical_Switch_Port row and name it in its switch's ports. */
const addPortOps = (lsUuid: string, row: unknown) => [
  { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'p', row },
  { op: 'mutate', table: 'Logical_Switch', where: byUuid(lsUuid), mutations: [['ports', 'insert', named('p')]] },
];

/**
 * A MemNb loaded with k8sNbOps + k8sStatefulOps, plus what ovn-kubernetes adds around them: an NB_Global
 * row, and for each gateway router a chassis and an external switch with a localnet port (so NAT has
 * somewhere to go).
 */
export function k8sMemNb(shape: K8sStatefulShape = SMALL_K8S_SHAPE): MemNb {
  const nb = new MemNb();
  nb.transact(k8sMemNbOps(shape));
  nb.takeChanges();
  return nb;
}

/** The one transaction k8sMemNb applies (for replaying the same start on a real NB). */
export function k8sMemNbOps(shape: K8sStatefulShape = SMALL_K8S_SHAPE): unknown[] {
  const ops: unknown[] = [...k8sNbOps(shape), ...k8sStatefulOps(shape)];
  ops.push({ op: 'insert', table: 'NB_Global', row: { options: map({ mac_prefix: '0a:58:00' }) } });
  for (let n = 0; n < shape.nodes; n++) {
    const node = `node${n}`;
    ops.push(
      {
        op: 'insert',
        table: 'Logical_Router_Port',
        'uuid-name': `rtoe_${n}`,
        row: { name: `rtoe-GR_${node}`, mac: mac(0xfc, n, 1), networks: set([`172.18.${n >> 8}.${(n & 255) + 2}/16`]) },
      },
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: [['name', '==', `GR_${node}`]],
        mutations: [
          ['ports', 'insert', set([named(`rtoe_${n}`)])],
          ['options', 'insert', map({ chassis: `chassis-${node}` })],
        ],
      },
      {
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': `etor_${n}`,
        row: {
          name: `etor-GR_${node}`,
          type: 'router',
          addresses: set(['router']),
          options: map({ 'router-port': `rtoe-GR_${node}` }),
        },
      },
      {
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': `ln_${n}`,
        row: {
          name: `breth0_${node}`,
          type: 'localnet',
          addresses: set(['unknown']),
          options: map({ network_name: 'physnet' }),
        },
      },
      {
        op: 'insert',
        table: 'Logical_Switch',
        row: { name: `ext_${node}`, ports: set([named(`etor_${n}`), named(`ln_${n}`)]) },
      },
    );
  }
  return ops;
}

function mac(a: number, b: number, c: number): string {
  return `0a:58:${[a, b >> 8, b & 255, c].map((x) => (x & 255).toString(16).padStart(2, '0')).join(':')}`;
}

// ---- the generator ----

const NAMED_TABLES = [
  'Logical_Switch',
  'Logical_Switch_Port',
  'Logical_Router',
  'Logical_Router_Port',
  'Port_Group',
  'Address_Set',
  'Load_Balancer',
  'Load_Balancer_Group',
] as const;

type Row = Readonly<Record<string, unknown>> & { readonly _uuid: string };
export interface NbEdit {
  readonly description: string;
  readonly ops: unknown[];
}

class Ctx {
  constructor(
    readonly nb: MemNb,
    readonly rng: Rng,
  ) {}
  rows(table: string): Row[] {
    return [...this.nb.rows(table).values()] as Row[];
  }
  get(table: string, u: string): Row | undefined {
    return this.nb.get(table, u) as Row | undefined;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rng() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.rng() < p;
  }
  pick<T>(xs: readonly T[]): T | undefined {
    return xs.length ? xs[Math.floor(this.rng() * xs.length)] : undefined;
  }
  some<T>(xs: readonly T[], n: number): T[] {
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(this.rng() * pool.length), 1)[0]!);
    return out;
  }
  hex(): string {
    return this.int(0, 255).toString(16).padStart(2, '0');
  }
  mac(): string {
    return `0a:${this.hex()}:${this.hex()}:${this.hex()}:${this.hex()}:${this.hex()}`;
  }
  /**
   * A fresh base name: no name in any named table contains it, so names derived from it (`rtos-<base>`,
   * `<base>-p0`) are free too.
   */
  name(prefix: string): string {
    const used: string[] = [];
    for (const t of NAMED_TABLES) for (const r of this.nb.rows(t).values()) used.push(String(r['name']));
    for (;;) {
      const n = `${prefix}_${this.int(0, 1e6).toString(36)}`;
      if (!used.some((u) => u.includes(n))) return n;
    }
  }
  ip(prefix = '10.200'): string {
    return `${prefix}.${this.int(0, 255)}.${this.int(2, 250)}`;
  }
  switches(): Row[] {
    return this.rows('Logical_Switch');
  }
  /** A host address in the switch's subnet (other_config:subnet), or a random one. */
  ipIn(ls: Row | undefined): string {
    const subnet = (ls?.['other_config'] as Record<string, string> | undefined)?.['subnet'];
    const m = subnet && /^(\d+\.\d+\.\d+)\.0\/24$/.exec(subnet);
    return m ? `${m[1]}.${this.int(20, 250)}` : this.ip();
  }
  vifs(): Row[] {
    return this.rows('Logical_Switch_Port').filter((p) => p['type'] === '');
  }
  switchOf(lsp: string): Row | undefined {
    return this.switches().find((s) => (s['ports'] as string[]).includes(lsp));
  }
  routers(): Row[] {
    return this.rows('Logical_Router');
  }
  gatewayRouters(): Row[] {
    return this.routers().filter((r) => (r['options'] as Record<string, string>)['chassis']);
  }
  clusterRouter(): Row | undefined {
    return this.routers().find((r) => r['name'] === 'ovn_cluster_router');
  }
  podIps(): string[] {
    const out: string[] = [];
    for (const p of this.vifs()) {
      for (const a of p['addresses'] as string[]) {
        const ip = a.split(' ')[1];
        if (ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip)) out.push(ip);
      }
    }
    return out;
  }
  aclMatch(): string {
    const pg = this.pick(this.rows('Port_Group'))?.['name'] as string | undefined;
    const as = this.pick(this.rows('Address_Set'))?.['name'] as string | undefined;
    const parts: string[] = [];
    const dir = this.chance(0.5) ? 'outport' : 'inport';
    if (pg && this.chance(0.8)) parts.push(`${dir} == @${pg}`);
    parts.push(this.chance(0.8) ? 'ip4' : 'ip');
    if (as && this.chance(0.6)) parts.push(`ip4.${this.chance(0.5) ? 'src' : 'dst'} == $${as}`);
    else if (this.chance(0.3)) parts.push(`ip4.src == ${this.ip('10.128')}/32`);
    if (this.chance(0.6)) parts.push(`${this.chance(0.8) ? 'tcp' : 'udp'}.dst == ${this.int(1, 65535)}`);
    return parts.join(' && ');
  }
  aclRow(): Record<string, unknown> {
    const row: Record<string, unknown> = {
      direction: this.chance(0.6) ? 'to-lport' : 'from-lport',
      priority: this.chance(0.8) ? this.int(1000, 2000) : this.int(0, 32767),
      action: this.pick(['allow', 'allow-related', 'allow-related', 'drop', 'reject', 'allow-stateless'])!,
      match: this.aclMatch(),
    };
    if (this.chance(0.1)) {
      row['log'] = true;
      row['name'] = `acl${this.int(0, 999)}`;
      row['severity'] = 'info';
    }
    return row;
  }
  lspAddresses(ls: Row | undefined): { addresses: string[]; portSecurity: string[] } {
    const m = this.mac();
    const ip = this.ipIn(ls);
    const r = this.rng();
    const addresses = r < 0.7 ? [`${m} ${ip}`] : r < 0.8 ? ['unknown'] : r < 0.9 ? [`${m} ${ip}`, 'unknown'] : [m];
    const portSecurity = this.chance(0.6) && !addresses.includes('unknown') ? [`${m} ${ip}`] : [];
    return { addresses, portSecurity };
  }
  vip(): string {
    return `10.96.${this.int(100, 255)}.${this.int(1, 254)}${this.chance(0.85) ? `:${this.pick([80, 443, 8080, 53])}` : ''}`;
  }
  backends(vip: string): string {
    const ips = this.some(this.podIps(), this.int(0, 3));
    const port = vip.includes(':') ? `:${this.pick([8080, 80, 9000])}` : '';
    return ips.map((ip) => `${ip}${port}`).join(',');
  }
}

type EditFn = (c: Ctx) => NbEdit | undefined;

/** Ops removing `u` from every row of `table` whose `col` holds it (a reference set). */
function detach(table: string, col: string, u: string): unknown {
  return { op: 'mutate', table, where: [[col, 'includes', uuid(u)]], mutations: [[col, 'delete', uuid(u)]] };
}

const EDITS: readonly (readonly [number, string, EditFn])[] = [
  // ---- switch ports ----
  [
    8,
    'lsp-add',
    (c) => {
      const ls = c.pick(c.switches());
      if (!ls) return undefined;
      const name = c.name('lsp');
      const r = c.rng();
      let row: Record<string, unknown>;
      let kind: string;
      if (r < 0.8) {
        const { addresses, portSecurity } = c.lspAddresses(ls);
        row = { name, addresses: set(addresses), port_security: set(portSecurity) };
        if (c.chance(0.1)) row['enabled'] = false;
        const dhcp = c.pick(c.rows('DHCP_Options'));
        if (dhcp && c.chance(0.2)) row['dhcpv4_options'] = uuid(dhcp._uuid);
        kind = `vif ${addresses.join(',')}`;
      } else if (r < 0.9) {
        row = {
          name,
          type: 'localnet',
          addresses: set(['unknown']),
          options: map({ network_name: c.pick(['physnet', 'physnet2'])! }),
        };
        if (c.chance(0.3)) row['tag_request'] = c.int(1, 4094);
        kind = 'localnet';
      } else {
        row = { name, type: 'localport', addresses: set([`${c.mac()} ${c.ipIn(ls)}`]) };
        kind = 'localport';
      }
      return {
        description: `add ${kind} port ${name} to ${String(ls['name'])}`,
        ops: addPortOps(ls._uuid, row),
      };
    },
  ],
  [
    3,
    'lsp-external',
    (c) => {
      // An external port, mostly on a switch with a localnet port and a router (the ext_ switches):
      // served through the localnet ports when it has an HA chassis group, and its DHCP with it.
      const withLocalnet = c
        .switches()
        .filter((s) => (s['ports'] as string[]).some((u) => c.get('Logical_Switch_Port', u)?.['type'] === 'localnet'));
      const ls = c.pick(withLocalnet.length && c.chance(0.8) ? withLocalnet : c.switches());
      if (!ls) return undefined;
      const name = c.name('ext');
      const m = c.mac();
      const row: Record<string, unknown> = {
        name,
        type: 'external',
        addresses: set([c.chance(0.8) ? `${m} ${c.ipIn(ls)}` : `${m} ${c.ipIn(ls)} fd00::${c.int(2, 999)}`]),
      };
      const group = c.pick(c.rows('HA_Chassis_Group'));
      if (group && c.chance(0.8)) row['ha_chassis_group'] = uuid(group._uuid);
      const dhcps = c.rows('DHCP_Options');
      const d4 = c.pick(dhcps.filter((d) => !String(d['cidr']).includes(':')));
      const d6 = c.pick(dhcps.filter((d) => String(d['cidr']).includes(':')));
      if (d4 && c.chance(0.7)) row['dhcpv4_options'] = uuid(d4._uuid);
      if (d6 && c.chance(0.4)) row['dhcpv6_options'] = uuid(d6._uuid);
      if (c.chance(0.1)) row['enabled'] = false;
      return {
        description: `add external port ${name} to ${String(ls['name'])}${row['ha_chassis_group'] ? ' in a group' : ''}`,
        ops: addPortOps(ls._uuid, row),
      };
    },
  ],
  [
    2,
    'lsp-virtual',
    (c) => {
      // A virtual port whose address some VIFs of its switch may announce (bind_vport flows), resolved by
      // the switch's routers (unbound: nothing claims it in these NBs).
      const ls = c.pick(c.switches().filter((s) => (s['ports'] as string[]).length > 0));
      if (!ls) return undefined;
      const vifs = (ls['ports'] as string[])
        .map((u) => c.get('Logical_Switch_Port', u))
        .filter((p) => p !== undefined && p['type'] === '');
      const parents = c.some(vifs, c.int(0, 3)).map((p) => String(p!['name']));
      if (c.chance(0.2)) parents.push('no-such-port');
      const name = c.name('vip');
      const ip = c.ipIn(ls);
      const options: Record<string, string> = { 'virtual-ip': c.chance(0.9) ? ip : `${ip}0` };
      if (parents.length) options['virtual-parents'] = parents.join(',');
      return {
        description: `add virtual port ${name} to ${String(ls['name'])} with ${parents.length} parents`,
        ops: addPortOps(ls._uuid, {
          name,
          type: 'virtual',
          addresses: set([`${c.mac()} ${ip}`]),
          options: map(options),
        }),
      };
    },
  ],
  [
    7,
    'lsp-del',
    (c) => {
      const p = c.pick(c.rows('Logical_Switch_Port').filter((x) => x['type'] !== 'router' || c.chance(0.05)));
      if (!p) return undefined;
      return {
        description: `delete port ${String(p['name'])} (${String(p['type']) || 'vif'})`,
        ops: [detach('Logical_Switch', 'ports', p._uuid)],
      };
    },
  ],
  [
    8,
    'lsp-update',
    (c) => {
      const p = c.pick(c.rows('Logical_Switch_Port').filter((x) => x['type'] !== 'router'));
      if (!p) return undefined;
      const ls = c.switchOf(p._uuid);
      const r = c.rng();
      let row: Record<string, unknown>;
      let what: string;
      if (r < 0.3) {
        const { addresses } = c.lspAddresses(ls);
        row = { addresses: set(addresses) };
        what = `addresses ${addresses.join(',')}`;
      } else if (r < 0.5) {
        const ps = c.chance(0.3) ? [] : (p['addresses'] as string[]).filter((a) => a !== 'unknown' && a !== 'router');
        row = { port_security: set(ps) };
        what = `port_security ${ps.join(',') || '(none)'}`;
      } else if (r < 0.65) {
        const t = c.pick(['', '', 'localport', 'localnet', 'vtep'])!;
        const learn: Record<string, string> = c.chance(0.5) ? { localnet_learn_fdb: c.pick(['true', 'false'])! } : {};
        row =
          t === 'localnet'
            ? { type: t, addresses: set(['unknown']), options: map({ network_name: 'physnet', ...learn }) }
            : { type: t, options: map({}) };
        what = `type ${t || 'vif'}`;
      } else if (r < 0.8) {
        const e = c.pick([true, false, null])!;
        row = { enabled: e === null ? set([]) : e };
        what = `enabled ${String(e)}`;
      } else if (r < 0.9) {
        // What northd itself writes back (flows must not change, memos must keep hitting).
        const up = c.pick([true, false])!;
        row = { up };
        what = `up ${String(up)}`;
      } else if (r < 0.95) {
        row = { external_ids: map({ pod: 'true', ns: `ns${c.int(0, 9)}` }) };
        what = 'external_ids';
      } else {
        // A qdisc queue: the port's admission (and a localnet port's egress) sets it.
        const queue = c.chance(0.7) ? String(c.int(1, 20)) : undefined;
        const opts: Record<string, string> = { ...(p['options'] as Record<string, string>) };
        delete opts['qdisc_queue_id'];
        if (queue) opts['qdisc_queue_id'] = queue;
        row = { options: map(opts) };
        what = `qdisc_queue_id ${queue ?? '(none)'}`;
      }
      return {
        description: `set ${what} on port ${String(p['name'])}`,
        ops: [{ op: 'update', table: 'Logical_Switch_Port', where: byUuid(p._uuid), row }],
      };
    },
  ],
  // ---- switches ----
  [
    2,
    'ls-add',
    (c) => {
      const name = c.name('ls');
      const subnet = `10.${c.int(200, 250)}.${c.int(0, 255)}`;
      const n = c.int(0, 3);
      const ops: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const m = c.mac();
        ops.push({
          op: 'insert',
          table: 'Logical_Switch_Port',
          'uuid-name': `p${i}`,
          row: { name: `${name}-p${i}`, addresses: set([`${m} ${subnet}.${i + 10}`]) },
        });
      }
      ops.push({
        op: 'insert',
        table: 'Logical_Switch',
        row: {
          name,
          other_config: map({ subnet: `${subnet}.0/24` }),
          ports: set(Array.from({ length: n }, (_, i) => named(`p${i}`))),
        },
      });
      return { description: `add switch ${name} with ${n} ports`, ops };
    },
  ],
  [
    3,
    'ls-del',
    (c) => {
      const ls = c.pick(c.switches().filter((s) => (s['ports'] as string[]).length <= 4));
      if (!ls) return undefined;
      return {
        description: `delete switch ${String(ls['name'])}`,
        ops: [{ op: 'delete', table: 'Logical_Switch', where: byUuid(ls._uuid) }],
      };
    },
  ],
  // ---- ACLs ----
  [
    5,
    'acl-add',
    (c) => {
      const toPg = c.chance(0.7);
      const owner = toPg ? c.pick(c.rows('Port_Group')) : c.pick(c.switches());
      if (!owner) return undefined;
      const row = c.aclRow();
      const table = toPg ? 'Port_Group' : 'Logical_Switch';
      return {
        description: `add ACL ${String(row['direction'])} ${String(row['priority'])} ${String(row['action'])} (${String(row['match'])}) to ${table} ${String(owner['name'])}`,
        ops: [
          { op: 'insert', table: 'ACL', 'uuid-name': 'a', row },
          { op: 'mutate', table, where: byUuid(owner._uuid), mutations: [['acls', 'insert', named('a')]] },
        ],
      };
    },
  ],
  [
    4,
    'acl-del',
    (c) => {
      const a = c.pick(c.rows('ACL'));
      if (!a) return undefined;
      return {
        description: `delete ACL ${String(a['priority'])} ${String(a['match'])}`,
        ops: [detach('Port_Group', 'acls', a._uuid), detach('Logical_Switch', 'acls', a._uuid)],
      };
    },
  ],
  [
    4,
    'acl-modify',
    (c) => {
      const a = c.pick(c.rows('ACL'));
      if (!a) return undefined;
      const fresh = c.aclRow();
      const col = c.pick(['priority', 'action', 'match', 'direction'])!;
      return {
        description: `set ACL ${col} to ${String(fresh[col])}`,
        ops: [{ op: 'update', table: 'ACL', where: byUuid(a._uuid), row: { [col]: fresh[col] } }],
      };
    },
  ],
  // ---- port groups ----
  [
    2,
    'pg-add',
    (c) => {
      const name = c.name('pg');
      const ports = c.some(c.vifs(), c.int(1, 5)).map((p) => uuid(p._uuid));
      const ops: unknown[] = [];
      const acls: unknown[] = [];
      if (c.chance(0.7)) {
        ops.push({
          op: 'insert',
          table: 'ACL',
          'uuid-name': 'a',
          row: { direction: 'to-lport', priority: 1001, action: 'allow-related', match: `outport == @${name} && ip4` },
        });
        acls.push(named('a'));
      }
      ops.push({ op: 'insert', table: 'Port_Group', row: { name, ports: set(ports), acls: set(acls) } });
      return { description: `add port group ${name} with ${ports.length} ports`, ops };
    },
  ],
  [
    1,
    'pg-del',
    (c) => {
      const pg = c.pick(c.rows('Port_Group'));
      if (!pg) return undefined;
      return {
        description: `delete port group ${String(pg['name'])}`,
        ops: [{ op: 'delete', table: 'Port_Group', where: byUuid(pg._uuid) }],
      };
    },
  ],
  [
    5,
    'pg-member',
    (c) => {
      const pg = c.pick(c.rows('Port_Group'));
      if (!pg) return undefined;
      const members = pg['ports'] as string[];
      const add = members.length === 0 || c.chance(0.5);
      const p = add ? c.pick(c.vifs()) : c.pick(members.map((u) => c.get('Logical_Switch_Port', u)!));
      if (!p) return undefined;
      return {
        description: `${add ? 'add' : 'remove'} port ${String(p['name'])} ${add ? 'to' : 'from'} port group ${String(pg['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Port_Group',
            where: byUuid(pg._uuid),
            mutations: [['ports', add ? 'insert' : 'delete', uuid(p._uuid)]],
          },
        ],
      };
    },
  ],
  // ---- address sets ----
  [
    2,
    'as-add',
    (c) => {
      const name = c.name('as');
      // Two pods may share an address; a set holds it once.
      const addrs = [...new Set(c.some(c.podIps(), c.int(0, 5)))];
      return {
        description: `add address set ${name}`,
        ops: [{ op: 'insert', table: 'Address_Set', row: { name, addresses: set(addrs) } }],
      };
    },
  ],
  [
    1,
    'as-del',
    (c) => {
      // NAT rules hold strong references to their sets.
      const used = new Set(c.rows('NAT').flatMap((n) => [n['allowed_ext_ips'], n['exempted_ext_ips']]));
      const as = c.pick(c.rows('Address_Set').filter((a) => !used.has(a._uuid)));
      if (!as) return undefined;
      return {
        description: `delete address set ${String(as['name'])}`,
        ops: [{ op: 'delete', table: 'Address_Set', where: byUuid(as._uuid) }],
      };
    },
  ],
  [
    0.5,
    'as-rename',
    (c) => {
      const as = c.pick(c.rows('Address_Set'));
      if (!as) return undefined;
      const name = `${String(as['name'])}_r${c.int(0, 9999)}`;
      return {
        description: `rename address set ${String(as['name'])} to ${name}`,
        ops: [{ op: 'update', table: 'Address_Set', where: byUuid(as._uuid), row: { name } }],
      };
    },
  ],
  [
    5,
    'as-addr',
    (c) => {
      const as = c.pick(c.rows('Address_Set'));
      if (!as) return undefined;
      const cur = as['addresses'] as string[];
      const add = cur.length === 0 || c.chance(0.55);
      const a = add ? (c.chance(0.8) ? (c.pick(c.podIps()) ?? c.ip()) : `${c.ip('10.129')}/32`) : c.pick(cur)!;
      return {
        description: `${add ? 'add' : 'remove'} ${a} ${add ? 'to' : 'from'} address set ${String(as['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Address_Set',
            where: byUuid(as._uuid),
            mutations: [['addresses', add ? 'insert' : 'delete', a]],
          },
        ],
      };
    },
  ],
  // ---- load balancers ----
  [
    2,
    'lb-add',
    (c) => {
      const name = c.name('svc');
      const vip = c.vip();
      const row: Record<string, unknown> = { name, vips: map({ [vip]: c.backends(vip) }) };
      if (vip.includes(':')) row['protocol'] = c.pick(['tcp', 'tcp', 'udp'])!;
      const ops: unknown[] = [{ op: 'insert', table: 'Load_Balancer', 'uuid-name': 'lb', row }];
      const r = c.rng();
      let where = 'nowhere';
      const lbg = c.pick(c.rows('Load_Balancer_Group'));
      if (r < 0.5 && lbg) {
        ops.push({
          op: 'mutate',
          table: 'Load_Balancer_Group',
          where: byUuid(lbg._uuid),
          mutations: [['load_balancer', 'insert', named('lb')]],
        });
        where = `group ${String(lbg['name'])}`;
      } else if (r < 0.9) {
        const table = c.chance(0.5) ? 'Logical_Switch' : 'Logical_Router';
        const t = c.pick(c.rows(table));
        if (t) {
          ops.push({
            op: 'mutate',
            table,
            where: byUuid(t._uuid),
            mutations: [['load_balancer', 'insert', named('lb')]],
          });
          where = `${table} ${String(t['name'])}`;
        }
      }
      return { description: `add load balancer ${name} ${vip} on ${where}`, ops };
    },
  ],
  [
    2,
    'lb-del',
    (c) => {
      const lb = c.pick(c.rows('Load_Balancer'));
      if (!lb) return undefined;
      return {
        description: `delete load balancer ${String(lb['name'])}`,
        ops: [{ op: 'delete', table: 'Load_Balancer', where: byUuid(lb._uuid) }],
      };
    },
  ],
  [
    3,
    'lb-vip',
    (c) => {
      const lb = c.pick(c.rows('Load_Balancer'));
      if (!lb) return undefined;
      const vips = { ...(lb['vips'] as Record<string, string>) };
      const keys = Object.keys(vips);
      const add = keys.length === 0 || c.chance(0.5);
      let what: string;
      if (add) {
        const vip = c.vip();
        vips[vip] = c.backends(vip);
        what = `add VIP ${vip}`;
      } else {
        const k = c.pick(keys)!;
        delete vips[k];
        what = `remove VIP ${k}`;
      }
      return {
        description: `${what} on load balancer ${String(lb['name'])}`,
        ops: [{ op: 'update', table: 'Load_Balancer', where: byUuid(lb._uuid), row: { vips: map(vips) } }],
      };
    },
  ],
  [
    3,
    'lb-backend',
    (c) => {
      const lb = c.pick(c.rows('Load_Balancer').filter((l) => Object.keys(l['vips'] as object).length));
      if (!lb) return undefined;
      const vips = { ...(lb['vips'] as Record<string, string>) };
      const vip = c.pick(Object.keys(vips))!;
      const backends = vips[vip]!.split(',').filter((b) => b);
      const add = backends.length === 0 || c.chance(0.5);
      if (add) {
        const ip = c.pick(c.podIps()) ?? c.ip();
        backends.push(vip.includes(':') ? `${ip}:${c.pick([8080, 80])}` : ip);
      } else backends.splice(c.int(0, backends.length - 1), 1);
      vips[vip] = backends.join(',');
      return {
        description: `${add ? 'add' : 'remove'} a backend of ${vip} on load balancer ${String(lb['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Load_Balancer',
            where: byUuid(lb._uuid),
            mutations: [
              ['vips', 'delete', set([vip])],
              ['vips', 'insert', map({ [vip]: vips[vip]! })],
            ],
          },
        ],
      };
    },
  ],
  [
    3,
    'lb-attach',
    (c) => {
      const table = c.chance(0.5) ? 'Logical_Switch' : 'Logical_Router';
      const t = c.pick(c.rows(table));
      if (!t) return undefined;
      const cur = t['load_balancer'] as string[];
      const attach = cur.length === 0 || c.chance(0.5);
      const lb = attach ? c.pick(c.rows('Load_Balancer')) : c.get('Load_Balancer', c.pick(cur)!);
      if (!lb) return undefined;
      return {
        description: `${attach ? 'attach' : 'detach'} load balancer ${String(lb['name'])} ${attach ? 'to' : 'from'} ${table} ${String(t['name'])}`,
        ops: [
          {
            op: 'mutate',
            table,
            where: byUuid(t._uuid),
            mutations: [['load_balancer', attach ? 'insert' : 'delete', uuid(lb._uuid)]],
          },
        ],
      };
    },
  ],
  [
    1,
    'lb-health',
    (c) => {
      const lb = c.pick(c.rows('Load_Balancer').filter((l) => Object.keys(l['vips'] as object).length));
      if (!lb) return undefined;
      const checks = lb['health_check'] as string[];
      const r = c.rng();
      if (checks.length && r < 0.3) {
        const hc = c.pick(checks)!;
        const row = c.chance(0.5)
          ? { options: map({ interval: String(c.int(1, 10)), failure_count: String(c.int(1, 5)) }) }
          : { vip: c.pick(Object.keys(lb['vips'] as object))! };
        return {
          description: `health check of ${String(lb['name'])}: ${Object.keys(row)[0]!}`,
          ops: [{ op: 'update', table: 'Load_Balancer_Health_Check', where: byUuid(hc), row }],
        };
      }
      if (checks.length && r < 0.45)
        return {
          description: `health checks of ${String(lb['name'])} removed`,
          ops: [{ op: 'update', table: 'Load_Balancer', where: byUuid(lb._uuid), row: { health_check: set([]) } }],
        };
      // Map the backends of one VIP to switch ports (some without a source address or to no port) and check it.
      const vips = lb['vips'] as Record<string, string>;
      const vip = c.pick(Object.keys(vips))!;
      const ports = c.rows('Logical_Switch_Port').map((p) => String(p['name']));
      const mappings: Record<string, string> = {};
      for (const b of vips[vip]!.split(',')) {
        const ip = /^\[([^\]]+)\]/.exec(b)?.[1] ?? b.replace(/:\d+$/, '');
        if (!ip) continue;
        const port = c.chance(0.9) ? (c.pick(ports) ?? 'nope') : `missing-${c.int(0, 9)}`;
        const src = ip.includes(':') ? `[fd00::${c.int(1, 250).toString(16)}]` : `10.255.0.${c.int(1, 250)}`;
        mappings[ip.includes(':') ? `[${ip}]` : ip] = c.chance(0.85) ? `${port}:${src}` : port;
      }
      return {
        description: `health check of ${vip} on ${String(lb['name'])}`,
        ops: [
          { op: 'insert', table: 'Load_Balancer_Health_Check', 'uuid-name': 'hc', row: { vip } },
          {
            op: 'mutate',
            table: 'Load_Balancer',
            where: byUuid(lb._uuid),
            mutations: [
              ['health_check', 'insert', named('hc')],
              ['ip_port_mappings', 'delete', set(Object.keys(mappings))],
              ['ip_port_mappings', 'insert', map(mappings)],
            ],
          },
        ],
      };
    },
  ],
  [
    2,
    'lbg-member',
    (c) => {
      const g = c.pick(c.rows('Load_Balancer_Group'));
      const lb = c.pick(c.rows('Load_Balancer'));
      if (!g || !lb) return undefined;
      const has = (g['load_balancer'] as string[]).includes(lb._uuid);
      return {
        description: `${has ? 'remove' : 'add'} load balancer ${String(lb['name'])} ${has ? 'from' : 'to'} group ${String(g['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Load_Balancer_Group',
            where: byUuid(g._uuid),
            mutations: [['load_balancer', has ? 'delete' : 'insert', uuid(lb._uuid)]],
          },
        ],
      };
    },
  ],
  [
    1,
    'lbg-attach',
    (c) => {
      const g = c.pick(c.rows('Load_Balancer_Group'));
      const table = c.chance(0.5) ? 'Logical_Switch' : 'Logical_Router';
      const t = c.pick(c.rows(table));
      if (!g || !t) return undefined;
      const has = (t['load_balancer_group'] as string[]).includes(g._uuid);
      return {
        description: `${has ? 'detach' : 'attach'} group ${String(g['name'])} ${has ? 'from' : 'to'} ${table} ${String(t['name'])}`,
        ops: [
          {
            op: 'mutate',
            table,
            where: byUuid(t._uuid),
            mutations: [['load_balancer_group', has ? 'delete' : 'insert', uuid(g._uuid)]],
          },
        ],
      };
    },
  ],
  [
    0.5,
    'lbg-add-del',
    (c) => {
      const g = c.pick(c.rows('Load_Balancer_Group'));
      if (g && c.chance(0.4)) {
        return {
          description: `delete group ${String(g['name'])}`,
          ops: [
            detach('Logical_Switch', 'load_balancer_group', g._uuid),
            detach('Logical_Router', 'load_balancer_group', g._uuid),
            { op: 'delete', table: 'Load_Balancer_Group', where: byUuid(g._uuid) },
          ],
        };
      }
      const name = c.name('lbg');
      const lbs = c.some(c.rows('Load_Balancer'), c.int(0, 3)).map((l) => uuid(l._uuid));
      const ops: unknown[] = [
        { op: 'insert', table: 'Load_Balancer_Group', 'uuid-name': 'g', row: { name, load_balancer: set(lbs) } },
      ];
      const t = c.pick(c.switches());
      if (t)
        ops.push({
          op: 'mutate',
          table: 'Logical_Switch',
          where: byUuid(t._uuid),
          mutations: [['load_balancer_group', 'insert', named('g')]],
        });
      return { description: `add group ${name} with ${lbs.length} load balancers`, ops };
    },
  ],
  // ---- NAT on gateway routers ----
  [
    3,
    'nat-add',
    (c) => {
      const gr = c.pick(c.gatewayRouters());
      if (!gr) return undefined;
      const type = c.pick(['snat', 'dnat', 'dnat_and_snat'])!;
      const ext = c.chance(0.5) ? `172.18.${c.int(100, 200)}.${c.int(1, 254)}` : `172.18.0.${c.int(2, 250)}`;
      const pod = c.pick(c.podIps()) ?? c.ip('10.128');
      const logical = type === 'snat' && c.chance(0.5) ? `${pod.split('.').slice(0, 3).join('.')}.0/24` : pod;
      const row: Record<string, unknown> = { type, external_ip: ext, logical_ip: logical };
      // Limit the rule to (or exempt) the addresses of an address set.
      const as = c.chance(0.25) ? c.pick(c.rows('Address_Set')) : undefined;
      if (as) row[c.chance(0.5) ? 'allowed_ext_ips' : 'exempted_ext_ips'] = uuid(as._uuid);
      if (type === 'dnat_and_snat' && c.chance(0.3)) {
        const p = c.pick(c.vifs());
        if (p) {
          row['logical_port'] = p['name'];
          row['external_mac'] = c.mac();
        }
      }
      return {
        description: `add ${type} ${ext} <-> ${logical} on ${String(gr['name'])}`,
        ops: [
          { op: 'insert', table: 'NAT', 'uuid-name': 'n', row },
          {
            op: 'mutate',
            table: 'Logical_Router',
            where: byUuid(gr._uuid),
            mutations: [['nat', 'insert', named('n')]],
          },
        ],
      };
    },
  ],
  [
    2,
    'nat-del',
    (c) => {
      const n = c.pick(c.rows('NAT'));
      if (!n) return undefined;
      return {
        description: `delete ${String(n['type'])} ${String(n['external_ip'])}`,
        ops: [detach('Logical_Router', 'nat', n._uuid)],
      };
    },
  ],
  // ---- static routes ----
  [
    3,
    'route-add',
    (c) => {
      const lr = c.chance(0.5) ? c.clusterRouter() : c.pick(c.routers());
      if (!lr) return undefined;
      const prefix = c.chance(0.2) ? '0.0.0.0/0' : `${c.int(11, 99)}.${c.int(0, 255)}.${c.int(0, 255)}.0/24`;
      const nexthop = lr['name'] === 'ovn_cluster_router' ? `100.64.0.${c.int(2, 9)}` : '100.64.0.1';
      const row: Record<string, unknown> = { ip_prefix: prefix, nexthop };
      if (c.chance(0.2)) row['policy'] = c.pick(['src-ip', 'dst-ip'])!;
      if (c.chance(0.15)) {
        const lrp = c.get('Logical_Router_Port', c.pick(lr['ports'] as string[]) ?? '');
        if (lrp) row['output_port'] = lrp['name'];
        // Out of a port without a next hop: to the destination itself.
        if (lrp && c.chance(0.3)) row['nexthop'] = '';
      }
      // Symmetric ECMP replies (gateway routers; an ECMP group when the prefix repeats).
      if (c.chance(0.2)) row['options'] = map({ ecmp_symmetric_reply: 'true' });
      return {
        description: `add route ${prefix} via ${nexthop} on ${String(lr['name'])}`,
        ops: [
          { op: 'insert', table: 'Logical_Router_Static_Route', 'uuid-name': 'r', row },
          {
            op: 'mutate',
            table: 'Logical_Router',
            where: byUuid(lr._uuid),
            mutations: [['static_routes', 'insert', named('r')]],
          },
        ],
      };
    },
  ],
  [
    1,
    'policy',
    (c) => {
      const lr = c.pick(c.routers());
      if (!lr) return undefined;
      const existing = (lr['policies'] as string[]).map((u) => c.get('Logical_Router_Policy', u)).filter((r) => !!r);
      const old = c.pick(existing);
      if (old && c.chance(0.3))
        return {
          description: `delete policy ${String(old['priority'])} of ${String(lr['name'])}`,
          ops: [detach('Logical_Router', 'policies', old._uuid)],
        };
      const action = c.pick(['allow', 'drop', 'reroute', 'reroute'])!;
      // Next hops on the router's networks or not (unreachable ones are left out).
      const nexthops = c.some(['100.64.0.1', '100.64.0.2', '10.200.0.1', `172.18.0.${c.int(2, 9)}`], c.int(1, 3));
      const row: Record<string, unknown> = {
        priority: c.int(1, 32767),
        match: `ip4.src == ${c.ip()}`,
        action,
        nexthops: set(action === 'reroute' ? nexthops : []),
        options: map(c.chance(0.3) ? { pkt_mark: String(c.int(1, 100)) } : {}),
      };
      if (old && c.chance(0.5))
        return {
          description: `modify policy ${String(old['priority'])} of ${String(lr['name'])}: ${action}`,
          ops: [{ op: 'update', table: 'Logical_Router_Policy', where: byUuid(old._uuid), row }],
        };
      return {
        description: `add ${action} policy on ${String(lr['name'])}`,
        ops: [
          { op: 'insert', table: 'Logical_Router_Policy', 'uuid-name': 'p', row },
          {
            op: 'mutate',
            table: 'Logical_Router',
            where: byUuid(lr._uuid),
            mutations: [['policies', 'insert', named('p')]],
          },
        ],
      };
    },
  ],
  [
    2,
    'route-del',
    (c) => {
      const r = c.pick(c.rows('Logical_Router_Static_Route'));
      if (!r) return undefined;
      return {
        description: `delete route ${String(r['ip_prefix'])}`,
        ops: [detach('Logical_Router', 'static_routes', r._uuid)],
      };
    },
  ],
  [
    2,
    'route-modify',
    (c) => {
      const r = c.pick(c.rows('Logical_Router_Static_Route'));
      if (!r) return undefined;
      const row = c.chance(0.5)
        ? { nexthop: `100.64.0.${c.int(1, 9)}` }
        : { ip_prefix: `${c.int(11, 99)}.${c.int(0, 255)}.0.0/16` };
      return {
        description: `modify route ${String(r['ip_prefix'])}: ${JSON.stringify(row)}`,
        ops: [{ op: 'update', table: 'Logical_Router_Static_Route', where: byUuid(r._uuid), row }],
      };
    },
  ],
  // ---- router ports on the cluster router ----
  [
    2,
    'lrp-add',
    (c) => {
      const lr = c.clusterRouter();
      if (!lr) return undefined;
      const base = c.name('extra');
      const subnet = `10.${c.int(200, 250)}.${c.int(0, 255)}`;
      const lrp = `rtos-${base}`;
      const ops: unknown[] = [
        {
          op: 'insert',
          table: 'Logical_Router_Port',
          'uuid-name': 'lrp',
          row: { name: lrp, mac: c.mac(), networks: set([`${subnet}.1/24`]) },
        },
        {
          op: 'mutate',
          table: 'Logical_Router',
          where: byUuid(lr._uuid),
          mutations: [['ports', 'insert', named('lrp')]],
        },
        {
          op: 'insert',
          table: 'Logical_Switch_Port',
          'uuid-name': 'peer',
          row: {
            name: `stor-${base}`,
            type: 'router',
            addresses: set(['router']),
            options: map({ 'router-port': lrp }),
          },
        },
        {
          op: 'insert',
          table: 'Logical_Switch_Port',
          'uuid-name': 'vm',
          row: { name: `${base}-vm`, addresses: set([`${c.mac()} ${subnet}.10`]) },
        },
        {
          op: 'insert',
          table: 'Logical_Switch',
          row: {
            name: base,
            other_config: map({ subnet: `${subnet}.0/24` }),
            ports: set([named('peer'), named('vm')]),
          },
        },
      ];
      return { description: `add router port ${lrp} and switch ${base}`, ops };
    },
  ],
  [
    1.5,
    'lrp-del',
    (c) => {
      const lr = c.clusterRouter();
      if (!lr) return undefined;
      const ports = (lr['ports'] as string[]).map((u) => c.get('Logical_Router_Port', u)!);
      const extra = ports.filter((p) => String(p['name']).startsWith('rtos-extra_'));
      const p = c.pick(extra.length && c.chance(0.8) ? extra : ports);
      if (!p) return undefined;
      const ops: unknown[] = [detach('Logical_Router', 'ports', p._uuid)];
      // An extra port goes with the switch it was added with (most of the time).
      const base = String(p['name']).slice('rtos-'.length);
      if (base.startsWith('extra_') && c.chance(0.8)) {
        ops.push({ op: 'delete', table: 'Logical_Switch', where: [['name', '==', base]] });
      }
      return { description: `delete router port ${String(p['name'])} from the cluster router`, ops };
    },
  ],
  [
    2,
    'lrp-networks',
    (c) => {
      const p = c.pick(c.rows('Logical_Router_Port'));
      if (!p) return undefined;
      const nets = [...(p['networks'] as string[])];
      if (nets.length > 1 && c.chance(0.5)) nets.pop();
      else nets.push(`10.${c.int(251, 254)}.${c.int(0, 255)}.1/24`);
      return {
        description: `set networks of ${String(p['name'])} to ${nets.join(',')}`,
        ops: [{ op: 'update', table: 'Logical_Router_Port', where: byUuid(p._uuid), row: { networks: set(nets) } }],
      };
    },
  ],
  [
    0.5,
    'lrp-gateway-mtu',
    (c) => {
      const p = c.pick(c.rows('Logical_Router_Port'));
      if (!p) return undefined;
      const opts = { ...(p['options'] as Record<string, string>) };
      if ('gateway_mtu' in opts && c.chance(0.3)) delete opts['gateway_mtu'];
      else opts['gateway_mtu'] = c.pick(['1400', '1500', 'x'])!;
      if (c.chance(0.3)) opts['gateway_mtu_bypass'] = 'tcp';
      return {
        description: `set options of ${String(p['name'])} to ${JSON.stringify(opts)}`,
        ops: [{ op: 'update', table: 'Logical_Router_Port', where: byUuid(p._uuid), row: { options: map(opts) } }],
      };
    },
  ],
  // ---- routers ----
  [
    1.5,
    'lr-add',
    (c) => {
      const name = c.name('lr');
      const n = c.int(0, 2);
      const ops: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const subnet = `10.${c.int(200, 250)}.${c.int(0, 255)}`;
        const lrp = `${name}-p${i}`;
        ops.push(
          {
            op: 'insert',
            table: 'Logical_Router_Port',
            'uuid-name': `lrp${i}`,
            row: { name: lrp, mac: c.mac(), networks: set([`${subnet}.1/24`]) },
          },
          {
            op: 'insert',
            table: 'Logical_Switch_Port',
            'uuid-name': `peer${i}`,
            row: {
              name: `${lrp}-peer`,
              type: 'router',
              addresses: set(['router']),
              options: map({ 'router-port': lrp }),
            },
          },
          {
            op: 'insert',
            table: 'Logical_Switch',
            row: {
              name: `${name}-ls${i}`,
              other_config: map({ subnet: `${subnet}.0/24` }),
              ports: set([named(`peer${i}`)]),
            },
          },
        );
      }
      const row: Record<string, unknown> = { name, ports: set(Array.from({ length: n }, (_, i) => named(`lrp${i}`))) };
      if (c.chance(0.3)) row['options'] = map({ chassis: `chassis-${name}` });
      ops.push({ op: 'insert', table: 'Logical_Router', row });
      return { description: `add router ${name} with ${n} ports`, ops };
    },
  ],
  [
    1,
    'lr-del',
    (c) => {
      const small = c
        .routers()
        .filter((r) => r['name'] !== 'ovn_cluster_router' && (r['ports'] as string[]).length <= 2);
      const mine = small.filter((r) => String(r['name']).startsWith('lr_'));
      const lr = c.pick(mine.length && c.chance(0.8) ? mine : small);
      if (!lr) return undefined;
      const ops: unknown[] = [{ op: 'delete', table: 'Logical_Router', where: byUuid(lr._uuid) }];
      // A router of ours goes with the switches it was added with (most of the time).
      const mineSwitches = c.switches().filter((s) => String(s['name']).startsWith(`${String(lr['name'])}-ls`));
      if (mineSwitches.length && c.chance(0.8)) {
        for (const s of mineSwitches) ops.push({ op: 'delete', table: 'Logical_Switch', where: byUuid(s._uuid) });
      }
      return { description: `delete router ${String(lr['name'])}`, ops };
    },
  ],
  // ---- DHCP ----
  [
    1,
    'dhcp-add',
    (c) => {
      const ls = c.pick(c.switches().filter((s) => (s['other_config'] as Record<string, string>)['subnet']));
      if (!ls) return undefined;
      const cidr = (ls['other_config'] as Record<string, string>)['subnet']!;
      const router = cidr.replace(/\.0\/24$/, '.1');
      return {
        description: `add DHCP options for ${cidr}`,
        ops: [
          {
            op: 'insert',
            table: 'DHCP_Options',
            row: {
              cidr,
              options: map({ lease_time: String(c.int(60, 7200)), router, server_id: router, server_mac: c.mac() }),
            },
          },
        ],
      };
    },
  ],
  [
    2,
    'dhcp-port',
    (c) => {
      const p = c.pick(c.vifs());
      if (!p) return undefined;
      const d = c.pick(c.rows('DHCP_Options'));
      const clear = !d || (p['dhcpv4_options'] !== null && c.chance(0.5));
      return {
        description: `${clear ? 'clear' : 'set'} dhcpv4_options of ${String(p['name'])}`,
        ops: [
          {
            op: 'update',
            table: 'Logical_Switch_Port',
            where: byUuid(p._uuid),
            row: { dhcpv4_options: d && !clear ? uuid(d._uuid) : set([]) },
          },
        ],
      };
    },
  ],
  [
    0.5,
    'dhcp-del',
    (c) => {
      const d = c.pick(c.rows('DHCP_Options'));
      if (!d) return undefined;
      return {
        description: `delete DHCP options ${String(d['cidr'])}`,
        ops: [{ op: 'delete', table: 'DHCP_Options', where: byUuid(d._uuid) }],
      };
    },
  ],
  [
    1,
    'dhcp6-port',
    (c) => {
      const p = c.pick(c.vifs());
      if (!p) return undefined;
      const v6 = c.rows('DHCP_Options').filter((d) => String(d['cidr']).includes(':'));
      const clear = p['dhcpv6_options'] !== null && c.chance(0.4);
      const ops: unknown[] = [];
      let ref: unknown = set([]);
      if (!clear) {
        const d = c.chance(0.5) ? c.pick(v6) : undefined;
        if (d) ref = uuid(d._uuid);
        else {
          const options: Record<string, string> = { server_id: c.chance(0.9) ? c.mac() : 'bogus' };
          if (c.chance(0.4)) options['dhcpv6_stateless'] = c.pick(['true', 'false'])!;
          if (c.chance(0.5)) options['dns_server'] = '{fd00::1}';
          ops.push({
            op: 'insert',
            table: 'DHCP_Options',
            'uuid-name': 'd6',
            row: { cidr: c.pick(['fd00::/64', 'fd00::/120', 'bogus'])!, options: map(options) },
          });
          ref = named('d6');
        }
      }
      const row: Record<string, unknown> = { dhcpv6_options: ref };
      // Give the port an IPv6 address in fd00::/64 now and then (pods have IPv4 only).
      const addrs = p['addresses'] as string[];
      const first = addrs[0];
      if (!clear && first && /^\S+ \d+\.\d+\.\d+\.\d+$/.test(first) && c.chance(0.7))
        row['addresses'] = set([`${first} fd00::${c.int(2, 250).toString(16)}`, ...addrs.slice(1)]);
      ops.push({ op: 'update', table: 'Logical_Switch_Port', where: byUuid(p._uuid), row });
      return { description: `${clear ? 'clear' : 'set'} dhcpv6_options of ${String(p['name'])}`, ops };
    },
  ],
  // ---- DNS ----
  [
    1,
    'dns-add',
    (c) => {
      const sws = c.some(c.switches(), c.int(1, 3));
      if (!sws.length) return undefined;
      const records: Record<string, string> = {};
      for (let i = c.int(0, 2); i > 0; i--) records[`Host${c.int(0, 99)}.example`] = `${c.ip()} FD00::${c.int(1, 99)}`;
      return {
        description: `add DNS (${Object.keys(records).length} records) to ${sws.map((s) => String(s['name'])).join(',')}`,
        ops: [
          { op: 'insert', table: 'DNS', 'uuid-name': 'dns', row: { records: map(records) } },
          ...sws.map((s) => ({
            op: 'mutate',
            table: 'Logical_Switch',
            where: byUuid(s._uuid),
            mutations: [['dns_records', 'insert', named('dns')]],
          })),
        ],
      };
    },
  ],
  [
    1.5,
    'dns-edit',
    (c) => {
      const d = c.pick(c.rows('DNS'));
      if (!d) return undefined;
      const r = c.rng();
      if (r < 0.4) {
        const records = { ...(d['records'] as Record<string, string>) };
        const keys = Object.keys(records);
        if (keys.length && c.chance(0.5)) delete records[c.pick(keys)!];
        else records[`h${c.int(0, 9)}`] = c.ip();
        return {
          description: `set ${Object.keys(records).length} records of a DNS row`,
          ops: [{ op: 'update', table: 'DNS', where: byUuid(d._uuid), row: { records: map(records) } }],
        };
      }
      if (r < 0.8) {
        const ls = c.pick(c.switches());
        if (!ls) return undefined;
        const has = (ls['dns_records'] as string[]).includes(d._uuid);
        return {
          description: `${has ? 'detach a DNS row from' : 'attach a DNS row to'} ${String(ls['name'])}`,
          ops: [
            {
              op: 'mutate',
              table: 'Logical_Switch',
              where: byUuid(ls._uuid),
              mutations: [['dns_records', has ? 'delete' : 'insert', uuid(d._uuid)]],
            },
          ],
        };
      }
      return { description: 'delete a DNS row', ops: [{ op: 'delete', table: 'DNS', where: byUuid(d._uuid) }] };
    },
  ],
  // ---- NB_Global ----
  [
    0.5,
    'nb-global',
    (c) => {
      const g = c.pick(c.rows('NB_Global'));
      const key = c.pick([
        'mac_prefix',
        'svc_monitor_mac',
        'northd_probe_interval',
        'use_ct_inv_match',
        'ignore_lsp_down',
        'install_ls_lb_from_router',
        'controller_event',
      ])!;
      const value =
        key === 'mac_prefix'
          ? `0a:${c.hex()}:${c.hex()}`
          : key === 'svc_monitor_mac'
            ? c.mac()
            : key === 'northd_probe_interval'
              ? String(c.int(0, 10000))
              : c.pick(['true', 'false'])!;
      if (!g) {
        return {
          description: `create NB_Global with ${key}=${value}`,
          ops: [{ op: 'insert', table: 'NB_Global', row: { options: map({ [key]: value }) } }],
        };
      }
      const unset = key in (g['options'] as object) && c.chance(0.3);
      return {
        description: `${unset ? 'unset' : 'set'} NB_Global options:${key}${unset ? '' : `=${value}`}`,
        ops: [
          {
            op: 'mutate',
            table: 'NB_Global',
            where: byUuid(g._uuid),
            mutations: unset
              ? [['options', 'delete', set([key])]]
              : [
                  ['options', 'delete', set([key])],
                  ['options', 'insert', map({ [key]: value })],
                ],
          },
        ],
      };
    },
  ],
  [
    0.5,
    'router-option',
    (c) => {
      const r = c.pick(c.routers());
      if (!r) return undefined;
      const [key, values] = c.pick([
        ['dynamic_neigh_routers', ['true', 'false', 'TRUE']],
        ['always_learn_from_arp_request', ['false', 'true', 'False']],
        ['lb_force_snat_ip', ['router_ip', '1.2.3.4', 'fd00::4 1.2.3.4', '1.2.3.4 1.2.3.5']],
        ['dnat_force_snat_ip', ['1.2.3.6', '1.2.3.6 fd00::6', 'x']],
        ['snat-ct-zone', ['0', '7', 'x']],
        ['mcast_relay', ['true', 'false']],
      ] as const)!;
      const value = c.pick(values)!;
      const unset = key in (r['options'] as object) && c.chance(0.3);
      return {
        description: `${unset ? 'unset' : 'set'} router ${String(r['name'])} options:${key}${unset ? '' : `=${value}`}`,
        ops: [
          {
            op: 'mutate',
            table: 'Logical_Router',
            where: byUuid(r._uuid),
            mutations: unset
              ? [['options', 'delete', set([key])]]
              : [
                  ['options', 'delete', set([key])],
                  ['options', 'insert', map({ [key]: value })],
                ],
          },
        ],
      };
    },
  ],
  [
    0.6,
    'gateway-ha',
    (c) => {
      // Gateway chassis and HA chassis groups of router ports, external ports and requested-chassis.
      const lrp = c.pick(c.rows('Logical_Router_Port'));
      const vif = c.pick(c.vifs());
      const group = c.pick(c.rows('HA_Chassis_Group'));
      const chassis = () => c.pick(['gw1', 'gw2', 'gw3', 'hv1'])!;
      const r = c.rng();
      if (r < 0.25 && lrp) {
        const name = c.name('gwc');
        return {
          description: `add gateway chassis ${name} to ${String(lrp['name'])}`,
          ops: [
            {
              op: 'insert',
              table: 'Gateway_Chassis',
              'uuid-name': 'g',
              row: { name, chassis_name: chassis(), priority: c.int(1, 100) },
            },
            {
              op: 'mutate',
              table: 'Logical_Router_Port',
              where: byUuid(lrp._uuid),
              mutations: [['gateway_chassis', 'insert', named('g')]],
            },
          ],
        };
      }
      if (r < 0.35 && lrp) {
        return {
          description: `clear gateway chassis of ${String(lrp['name'])}`,
          ops: [
            { op: 'update', table: 'Logical_Router_Port', where: byUuid(lrp._uuid), row: { gateway_chassis: set([]) } },
          ],
        };
      }
      if (r < 0.45) {
        const gc = c.pick(c.rows('Gateway_Chassis'));
        if (!gc) return undefined;
        return {
          description: `set priority of gateway chassis ${String(gc['name'])}`,
          ops: [{ op: 'update', table: 'Gateway_Chassis', where: byUuid(gc._uuid), row: { priority: c.int(1, 100) } }],
        };
      }
      if (r < 0.55) {
        const name = c.name('hagrp');
        const n = c.int(1, 3);
        const ops: unknown[] = [];
        for (let i = 0; i < n; i++)
          ops.push({
            op: 'insert',
            table: 'HA_Chassis',
            'uuid-name': `h${i}`,
            row: { chassis_name: chassis(), priority: c.int(1, 100) },
          });
        ops.push({
          op: 'insert',
          table: 'HA_Chassis_Group',
          row: { name, ha_chassis: set([...Array(n).keys()].map((i) => named(`h${i}`))) },
        });
        return { description: `add HA chassis group ${name} of ${n}`, ops };
      }
      if (r < 0.7 && group && (lrp || vif)) {
        const clear = c.chance(0.3);
        const onLrp = lrp && (!vif || c.chance(0.5));
        const target = onLrp ? lrp : vif!;
        const table = onLrp ? 'Logical_Router_Port' : 'Logical_Switch_Port';
        const row: Record<string, unknown> = { ha_chassis_group: clear ? set([]) : uuid(group._uuid) };
        if (!onLrp && c.chance(0.7)) row['type'] = clear && c.chance(0.5) ? '' : 'external';
        return {
          description: `${clear ? 'clear' : 'set'} HA chassis group ${String(group['name'])} on ${String(target['name'])}`,
          ops: [{ op: 'update', table, where: byUuid(target._uuid), row }],
        };
      }
      if (r < 0.8 && group) {
        const h = c.pick(group['ha_chassis'] as string[]);
        if (!h) return undefined;
        return {
          description: `set an HA chassis priority of ${String(group['name'])}`,
          ops: [{ op: 'update', table: 'HA_Chassis', where: byUuid(h), row: { priority: c.int(1, 100) } }],
        };
      }
      if (r < 0.85 && group) {
        return {
          description: `rename HA chassis group ${String(group['name'])}`,
          ops: [
            { op: 'update', table: 'HA_Chassis_Group', where: byUuid(group._uuid), row: { name: c.name('hagrp') } },
          ],
        };
      }
      if (!vif) return undefined;
      const unset = c.chance(0.3);
      const value = c.pick(['hv1', 'hv2,hv1', 'host-1'])!;
      return {
        description: `${unset ? 'unset' : 'set'} requested-chassis of ${String(vif['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Logical_Switch_Port',
            where: byUuid(vif._uuid),
            mutations: unset
              ? [['options', 'delete', set(['requested-chassis'])]]
              : [
                  ['options', 'delete', set(['requested-chassis'])],
                  ['options', 'insert', map({ 'requested-chassis': value })],
                ],
          },
        ],
      };
    },
  ],
  [
    0.4,
    'router-port-ipv6-ra',
    (c) => {
      const p = c.pick(c.rows('Logical_Router_Port'));
      if (!p) return undefined;
      const [column, key, values] = c.pick([
        ['ipv6_ra_configs', 'address_mode', ['slaac', 'dhcpv6_stateful', 'bogus']],
        ['ipv6_ra_configs', 'send_periodic', ['true', 'false']],
        ['ipv6_ra_configs', 'mtu', ['1280', '1500', '900']],
        ['ipv6_ra_configs', 'max_interval', ['2', '30', '5000']],
        ['options', 'prefix_delegation', ['true', 'false']],
        ['options', 'mcast_flood', ['true', 'false']],
        ['external_ids', 'neutron:revision_number', ['1', '2']],
      ] as const)!;
      const value = c.pick(values)!;
      const unset = key in (p[column] as object) && c.chance(0.3);
      return {
        description: `${unset ? 'unset' : 'set'} router port ${String(p['name'])} ${column}:${key}${unset ? '' : `=${value}`}`,
        ops: [
          {
            op: 'mutate',
            table: 'Logical_Router_Port',
            where: byUuid(p._uuid),
            mutations: unset
              ? [[column, 'delete', set([key])]]
              : [
                  [column, 'delete', set([key])],
                  [column, 'insert', map({ [key]: value })],
                ],
          },
        ],
      };
    },
  ],
  // ---- content ovsdb-server accepts but that is wrong ----
  [
    0.4,
    'bad-mac',
    (c) => {
      const p = c.pick(c.vifs());
      if (!p) return undefined;
      const bad = c.pick([
        'zz:00:00:00:00:01 10.128.0.99',
        '0a:58:00:00:00 10.128.0.99',
        '0a:58:0a:80:00:63 10.128.0.300',
        'garbage',
      ])!;
      return {
        description: `invalid: addresses "${bad}" on ${String(p['name'])}`,
        ops: [
          {
            op: 'update',
            table: 'Logical_Switch_Port',
            where: byUuid(p._uuid),
            row: { addresses: set([bad]), port_security: set([bad]) },
          },
        ],
      };
    },
  ],
  [
    0.3,
    'bad-cidr',
    (c) => {
      const p = c.pick(c.rows('Logical_Router_Port'));
      if (!p) return undefined;
      const bad = c.pick(['10.0.0.300/24', '10.0.0.1/33', 'not-a-cidr', '10.0.0.1/'])!;
      return {
        description: `invalid: networks "${bad}" on ${String(p['name'])}`,
        ops: [{ op: 'update', table: 'Logical_Router_Port', where: byUuid(p._uuid), row: { networks: set([bad]) } }],
      };
    },
  ],
  [
    0.3,
    'port-in-two-switches',
    (c) => {
      const p = c.pick(c.vifs());
      const ls = c.pick(c.switches());
      if (!p || !ls || (ls['ports'] as string[]).includes(p._uuid)) return undefined;
      return {
        description: `invalid: port ${String(p['name'])} also in switch ${String(ls['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Logical_Switch',
            where: byUuid(ls._uuid),
            mutations: [['ports', 'insert', uuid(p._uuid)]],
          },
        ],
      };
    },
  ],
  [
    0.3,
    'bad-router-peer',
    (c) => {
      const ls = c.pick(c.switches());
      if (!ls) return undefined;
      const lrp = c.pick(c.rows('Logical_Router_Port'));
      // A second peer of an existing router port, or a peer of a router port that does not exist.
      const target = lrp && c.chance(0.5) ? String(lrp['name']) : `rtos-missing-${c.int(0, 99)}`;
      const name = c.name('badpeer');
      return {
        description: `invalid: router-type port ${name} to ${target} on ${String(ls['name'])}`,
        ops: [
          {
            op: 'insert',
            table: 'Logical_Switch_Port',
            'uuid-name': 'p',
            row: { name, type: 'router', addresses: set(['router']), options: map({ 'router-port': target }) },
          },
          {
            op: 'mutate',
            table: 'Logical_Switch',
            where: byUuid(ls._uuid),
            mutations: [['ports', 'insert', named('p')]],
          },
        ],
      };
    },
  ],
  [
    0.3,
    'bad-stateful',
    (c) => {
      const r = c.rng();
      if (r < 0.25) {
        const lb = c.pick(c.rows('Load_Balancer'));
        if (!lb) return undefined;
        const vip = c.pick(['10.96.0:80', '10.96.1.1:99999', 'vip', '10.96.1.1:80'])!;
        return {
          description: `invalid: VIP "${vip}" with bad backends on ${String(lb['name'])}`,
          ops: [
            {
              op: 'update',
              table: 'Load_Balancer',
              where: byUuid(lb._uuid),
              row: { vips: map({ [vip]: '1.2.3:x,,10.0.0.1:' }) },
            },
          ],
        };
      }
      if (r < 0.5) {
        const a = c.pick(c.rows('ACL'));
        if (!a) return undefined;
        const m = c.pick(['outport == @nope && ip4', 'ip4.src == $missing', 'tcp.dst == ', '((', 'inport == "x" &&'])!;
        return {
          description: `invalid: ACL match "${m}"`,
          ops: [{ op: 'update', table: 'ACL', where: byUuid(a._uuid), row: { match: m } }],
        };
      }
      if (r < 0.75) {
        const lr = c.pick(c.routers());
        if (!lr) return undefined;
        return {
          description: `invalid: static route with bad prefix/nexthop on ${String(lr['name'])}`,
          ops: [
            {
              op: 'insert',
              table: 'Logical_Router_Static_Route',
              'uuid-name': 'r',
              row: { ip_prefix: c.pick(['10.0.0.0/40', 'x', '']), nexthop: c.pick(['1.2.3', 'discard', '']) },
            },
            {
              op: 'mutate',
              table: 'Logical_Router',
              where: byUuid(lr._uuid),
              mutations: [['static_routes', 'insert', named('r')]],
            },
          ],
        };
      }
      const lr = c.pick(c.routers());
      if (!lr) return undefined;
      return {
        description: `invalid: NAT with bad addresses on ${String(lr['name'])}`,
        ops: [
          {
            op: 'insert',
            table: 'NAT',
            'uuid-name': 'n',
            row: {
              type: c.pick(['snat', 'dnat', 'dnat_and_snat']),
              external_ip: c.pick(['300.1.1.1', '', 'ext']),
              logical_ip: c.pick(['10.128.0.0/99', '10.1.1']),
            },
          },
          {
            op: 'mutate',
            table: 'Logical_Router',
            where: byUuid(lr._uuid),
            mutations: [['nat', 'insert', named('n')]],
          },
        ],
      };
    },
  ],
  [
    0.2,
    'bad-dhcp',
    (c) => ({
      description: 'invalid: DHCP options with a bad cidr',
      ops: [
        {
          op: 'insert',
          table: 'DHCP_Options',
          row: { cidr: c.pick(['10.0.0.0/99', 'x', '']), options: map({ lease_time: 'soon', router: '10.0.0' }) },
        },
      ],
    }),
  ],
  [
    0.3,
    'dup-switch-name',
    (c) => {
      const ls = c.pick(c.switches());
      if (!ls) return undefined;
      return {
        description: `invalid: a second switch named ${String(ls['name'])}`,
        ops: [{ op: 'insert', table: 'Logical_Switch', row: { name: ls['name'] } }],
      };
    },
  ],
  [
    0.5,
    'mcast-config',
    (c) => {
      const ls = c.pick(c.switches());
      if (!ls) return undefined;
      const key = c.pick([
        'mcast_snoop',
        'mcast_querier',
        'mcast_idle_timeout',
        'mcast_query_interval',
        'mcast_eth_src',
      ])!;
      const value = c.pick(['true', 'false', '5', '99999', '120', '00:00:00:00:01:fe'])!;
      return {
        description: `other_config:${key}=${value} on ${String(ls['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Logical_Switch',
            where: byUuid(ls._uuid),
            mutations: [['other_config', 'delete', set([key])]],
          },
          {
            op: 'mutate',
            table: 'Logical_Switch',
            where: byUuid(ls._uuid),
            mutations: [['other_config', 'insert', map({ [key]: value })]],
          },
        ],
      };
    },
  ],
  [
    0.5,
    'mirror',
    (c) => {
      const mirrors = c.rows('Mirror');
      const p = c.pick(c.vifs());
      const m = c.pick(mirrors);
      if (m && c.chance(0.3)) {
        // Detached everywhere, then deleted (as ovn-nbctl mirror-del does).
        const users = c.vifs().filter((v) => (v['mirror_rules'] as string[]).includes(m._uuid));
        return {
          description: `delete mirror ${String(m['name'])}`,
          ops: [
            ...users.map((v) => ({
              op: 'mutate',
              table: 'Logical_Switch_Port',
              where: byUuid(v._uuid),
              mutations: [['mirror_rules', 'delete', set([uuid(m._uuid)])]],
            })),
            { op: 'delete', table: 'Mirror', where: byUuid(m._uuid) },
          ],
        };
      }
      if (m && p && c.chance(0.5))
        return {
          description: `attach ${String(m['name'])} to ${String(p['name'])}`,
          ops: [
            {
              op: 'mutate',
              table: 'Logical_Switch_Port',
              where: byUuid(p._uuid),
              mutations: [['mirror_rules', 'insert', set([uuid(m._uuid)])]],
            },
          ],
        };
      const name = c.name('mirror');
      return {
        description: `add mirror ${name}`,
        ops: [
          {
            op: 'insert',
            table: 'Mirror',
            row: { name, type: c.pick(['gre', 'erspan']), index: c.int(1, 9), filter: 'to-lport', sink: c.ip() },
          },
        ],
      };
    },
  ],
  [
    0.5,
    'static-mac-binding',
    (c) => {
      const smb = c.pick(c.rows('Static_MAC_Binding'));
      if (smb && c.chance(0.3))
        return {
          description: 'delete a static MAC binding',
          ops: [{ op: 'delete', table: 'Static_MAC_Binding', where: byUuid(smb._uuid) }],
        };
      if (smb && c.chance(0.5))
        return {
          description: 'change a static MAC binding',
          ops: [
            {
              op: 'update',
              table: 'Static_MAC_Binding',
              where: byUuid(smb._uuid),
              row: { mac: `00:00:00:00:${c.int(10, 99)}:01` },
            },
          ],
        };
      const p = c.pick([...c.rows('Logical_Router_Port'), ...c.vifs()]);
      if (!p) return undefined;
      const ip = c.ip();
      if (c.rows('Static_MAC_Binding').some((r) => r['logical_port'] === p['name'] && r['ip'] === ip)) return undefined;
      return {
        description: `static MAC binding on ${String(p['name'])}`,
        ops: [
          {
            op: 'insert',
            table: 'Static_MAC_Binding',
            row: { logical_port: p['name'], ip, mac: '00:00:00:00:00:42', override_dynamic_mac: c.chance(0.5) },
          },
        ],
      };
    },
  ],
  [
    0.3,
    'template-var',
    (c) => {
      const v = c.pick(c.rows('Chassis_Template_Var'));
      if (v && c.chance(0.4))
        return {
          description: 'delete a template var',
          ops: [{ op: 'delete', table: 'Chassis_Template_Var', where: byUuid(v._uuid) }],
        };
      const chassis = `hv${c.int(1, 5)}`;
      if (c.rows('Chassis_Template_Var').some((r) => r['chassis'] === chassis)) return undefined;
      return {
        description: `template vars of ${chassis}`,
        ops: [{ op: 'insert', table: 'Chassis_Template_Var', row: { chassis, variables: map({ vip: c.ip() }) } }],
      };
    },
  ], // ---- routable addresses and balancer affinity ----
  [
    1.5,
    'nat-add-route',
    (c) => {
      // options:add_route on a NAT rule: it matters behind a distributed gateway port, whose router
      // then routes its neighbours on that switch to the rule's external address.
      const n = c.pick(c.rows('NAT'));
      if (n && c.chance(0.4)) {
        const opts = { ...(n['options'] as Record<string, string>) };
        const on = opts['add_route'] !== 'true';
        if (on) opts['add_route'] = 'true';
        else delete opts['add_route'];
        return {
          description: `${on ? 'set' : 'unset'} add_route on NAT ${String(n['external_ip'])}`,
          ops: [{ op: 'update', table: 'NAT', where: byUuid(n._uuid), row: { options: map(opts) } }],
        };
      }
      const gr = new Set(c.gatewayRouters().map((r) => r._uuid));
      const lr = c.pick(c.routers().filter((r) => !gr.has(r._uuid)));
      const lrp = lr && c.get('Logical_Router_Port', c.pick(lr['ports'] as string[]) ?? '');
      if (!lr || !lrp) return undefined;
      const type = c.pick(['dnat', 'dnat_and_snat', 'snat'])!;
      const net = (lrp['networks'] as string[])[0]?.split('/')[0]?.split('.') ?? [];
      const ext =
        net.length === 4 && c.chance(0.7) ? `${net.slice(0, 3).join('.')}.${c.int(100, 250)}` : c.ip('172.19');
      const row: Record<string, unknown> = {
        type,
        external_ip: ext,
        logical_ip: c.pick(c.podIps()) ?? c.ip('10.128'),
        options: map({ add_route: 'true' }),
      };
      if (type === 'dnat_and_snat' && c.chance(0.4)) {
        const p = c.pick(c.vifs());
        if (p) {
          row['logical_port'] = p['name'];
          row['external_mac'] = c.mac();
        }
      }
      const ops: unknown[] = [
        { op: 'insert', table: 'NAT', 'uuid-name': 'n', row },
        { op: 'mutate', table: 'Logical_Router', where: byUuid(lr._uuid), mutations: [['nat', 'insert', named('n')]] },
      ];
      // Often make the port a distributed gateway port in the same transaction.
      const dgp = (lrp['gateway_chassis'] as string[]).length > 0 || lrp['ha_chassis_group'] != null;
      if (!dgp && c.chance(0.6))
        ops.push(
          {
            op: 'insert',
            table: 'Gateway_Chassis',
            'uuid-name': 'g',
            row: { name: c.name('gwc'), chassis_name: c.pick(['gw1', 'gw2'])!, priority: c.int(1, 100) },
          },
          {
            op: 'mutate',
            table: 'Logical_Router_Port',
            where: byUuid(lrp._uuid),
            mutations: [['gateway_chassis', 'insert', named('g')]],
          },
        );
      return { description: `add routable ${type} ${ext} on ${String(lr['name'])} (${String(lrp['name'])})`, ops };
    },
  ],
  [
    1,
    'lb-add-route',
    (c) => {
      const lb = c.pick(c.rows('Load_Balancer'));
      if (!lb) return undefined;
      const opts = { ...(lb['options'] as Record<string, string>) };
      const on = opts['add_route'] !== 'true';
      if (on) opts['add_route'] = 'true';
      else delete opts['add_route'];
      return {
        description: `${on ? 'set' : 'unset'} add_route on load balancer ${String(lb['name'])}`,
        ops: [{ op: 'update', table: 'Load_Balancer', where: byUuid(lb._uuid), row: { options: map(opts) } }],
      };
    },
  ],
  [
    1.5,
    'lb-affinity',
    (c) => {
      const lb = c.pick(c.rows('Load_Balancer'));
      if (!lb) return undefined;
      const opts = { ...(lb['options'] as Record<string, string>) };
      // Mostly valid timeouts; sometimes none, zero, too large (cut to 65535) or not a number.
      const value = c.pick([undefined, '60', '60', '300', '0', '70000', 'soon'])!;
      if (value === undefined) delete opts['affinity_timeout'];
      else opts['affinity_timeout'] = value;
      if (c.chance(0.2)) opts['skip_snat'] = 'true';
      return {
        description: `affinity_timeout=${value ?? '(unset)'} on load balancer ${String(lb['name'])}`,
        ops: [{ op: 'update', table: 'Load_Balancer', where: byUuid(lb._uuid), row: { options: map(opts) } }],
      };
    },
  ],
  [
    0.4,
    'meter',
    (c) => {
      const m = c.pick(c.rows('Meter'));
      if (m && c.chance(0.3))
        return {
          description: `delete meter ${String(m['name'])}`,
          ops: [{ op: 'delete', table: 'Meter', where: byUuid(m._uuid) }],
        };
      const name = c.pick(COPP_METERS)!;
      if (c.rows('Meter').some((r) => r['name'] === name)) return undefined;
      return {
        description: `add meter ${name}`,
        ops: [
          { op: 'insert', table: 'Meter_Band', 'uuid-name': 'band', row: { action: 'drop', rate: c.int(1, 1000) } },
          { op: 'insert', table: 'Meter', row: { name, unit: 'pktps', bands: set([named('band')]) } },
        ],
      };
    },
  ],
  [
    0.6,
    'copp',
    (c) => {
      const copp = c.pick(c.rows('Copp'));
      const table = c.chance(0.5) ? 'Logical_Switch' : 'Logical_Router';
      const dp = c.pick(table === 'Logical_Switch' ? c.switches() : c.routers());
      if (copp && dp && c.chance(0.4))
        return {
          description: `${String(dp['name'])} uses Copp ${String(copp['name'])}`,
          ops: [{ op: 'update', table, where: byUuid(dp._uuid), row: { copp: uuid(copp._uuid) } }],
        };
      if (dp && dp['copp'] !== null && dp['copp'] !== undefined && c.chance(0.3))
        return {
          description: `${String(dp['name'])} drops its Copp`,
          ops: [{ op: 'update', table, where: byUuid(dp._uuid), row: { copp: set([]) } }],
        };
      if (copp && c.chance(0.2))
        return {
          description: `delete Copp ${String(copp['name'])}`,
          ops: [{ op: 'delete', table: 'Copp', where: byUuid(copp._uuid) }],
        };
      const proto = c.pick(COPP_PROTOCOLS)!;
      const meter = c.pick(COPP_METERS)!;
      if (copp)
        return {
          description: `Copp ${String(copp['name'])}: ${proto} -> ${meter}`,
          ops: [
            {
              op: 'mutate',
              table: 'Copp',
              where: byUuid(copp._uuid),
              mutations: [
                ['meters', 'delete', set([proto])],
                ...(c.chance(0.8) ? [['meters', 'insert', map({ [proto]: meter })]] : []),
              ],
            },
          ],
        };
      const name = c.name('copp');
      return {
        description: `add Copp ${name} (${proto} -> ${meter})`,
        ops: [{ op: 'insert', table: 'Copp', row: { name, meters: map({ [proto]: meter }) } }],
      };
    },
  ],
  [
    0.4,
    'lb-event',
    (c) => {
      const lb = c.pick(c.rows('Load_Balancer'));
      if (!lb) return undefined;
      const on = c.chance(0.6);
      return {
        description: `${on ? 'set' : 'unset'} options:event on ${String(lb['name'])}`,
        ops: [
          {
            op: 'mutate',
            table: 'Load_Balancer',
            where: byUuid(lb._uuid),
            mutations: [
              ['options', 'delete', set(['event'])],
              ...(on ? [['options', 'insert', map({ event: 'true' })]] : []),
            ],
          },
        ],
      };
    },
  ],
  [
    0.5,
    'bfd',
    (c) => {
      const b = c.pick(c.rows('BFD'));
      if (b && c.chance(0.25))
        return {
          description: `delete BFD session to ${String(b['dst_ip'])}`,
          ops: [{ op: 'delete', table: 'BFD', where: byUuid(b._uuid) }],
        };
      if (b && c.chance(0.3)) {
        const status = c.pick(['down', 'up', 'admin_down', 'init'])!;
        return {
          description: `BFD session to ${String(b['dst_ip'])} is ${status}`,
          ops: [{ op: 'update', table: 'BFD', where: byUuid(b._uuid), row: { status } }],
        };
      }
      const route = c.pick(c.rows('Logical_Router_Static_Route').filter((r) => r['nexthop'] !== 'discard'));
      if (b && route && c.chance(0.5))
        return {
          description: `route to ${String(route['ip_prefix'])} watched by BFD to ${String(b['dst_ip'])}`,
          ops: [
            {
              op: 'update',
              table: 'Logical_Router_Static_Route',
              where: byUuid(route._uuid),
              row: { bfd: uuid(b._uuid) },
            },
          ],
        };
      const lrp = c.pick(c.rows('Logical_Router_Port'));
      if (!lrp) return undefined;
      // Often the next hop of a route, so that the route may watch it.
      const dst = route && c.chance(0.6) ? String(route['nexthop']) : c.ip();
      if (c.rows('BFD').some((r) => r['logical_port'] === lrp['name'] && r['dst_ip'] === dst)) return undefined;
      return {
        description: `BFD session on ${String(lrp['name'])} to ${dst}`,
        ops: [
          {
            op: 'insert',
            table: 'BFD',
            row: { logical_port: lrp['name'], dst_ip: dst, ...(c.chance(0.5) ? { status: 'down' } : {}) },
          },
        ],
      };
    },
  ],
  // ---- deletions of the rows the kinds above mostly add (each detached where a strong reference names it) ----
  // Issue 24's soak steers every table it balances with an addition and a deletion kind, so that a table
  // random-walks around its target instead of climbing to it and stopping there (soak-balance.ts).
  [0.3, 'policy-del', (c) => delRow(c, 'Logical_Router_Policy', [['Logical_Router', 'policies']])],
  [0.2, 'dns-del', (c) => delRow(c, 'DNS', [['Logical_Switch', 'dns_records']])],
  [
    0.2,
    'ha-group-del',
    (c) =>
      delRow(c, 'HA_Chassis_Group', [
        ['Logical_Switch_Port', 'ha_chassis_group'],
        ['Logical_Router_Port', 'ha_chassis_group'],
      ]),
  ],
  [
    0.2,
    'lbg-del',
    (c) =>
      delRow(c, 'Load_Balancer_Group', [
        ['Logical_Switch', 'load_balancer_group'],
        ['Logical_Router', 'load_balancer_group'],
      ]),
  ],
  [0.3, 'lb-health-del', (c) => delRow(c, 'Load_Balancer_Health_Check', [['Load_Balancer', 'health_check']])],
  [0.05, 'bfd-del', (c) => delRow(c, 'BFD', [])],
  [0.1, 'mirror-del', (c) => delRow(c, 'Mirror', [['Logical_Switch_Port', 'mirror_rules']])],
  [0.05, 'static-mac-del', (c) => delRow(c, 'Static_MAC_Binding', [])],
];

/**
 * One row of `table`, chosen at random, taken out of every reference set `refs` names ([table, column]) and
 * deleted (a row of a non-root table goes once unreferenced; the delete of an unreferenced one is a no-op).
 */
function delRow(c: Ctx, table: string, refs: readonly (readonly [string, string])[]): NbEdit | undefined {
  const row = c.pick(c.rows(table));
  if (!row) return undefined;
  return {
    description: `delete ${table} ${String(row['name'] ?? row['priority'] ?? row['dst_ip'] ?? row['vip'] ?? row._uuid)}`,
    ops: [...refs.map(([t, col]) => detach(t, col, row._uuid)), { op: 'delete', table, where: byUuid(row._uuid) }],
  };
}

/** Meter names Copp rows name (some never exist, or come and go with `meter` edits). */
const COPP_METERS = ['copp-m1', 'copp-m2', 'copp-m3'];
const COPP_PROTOCOLS = [
  'arp',
  'event-elb',
  'icmp4-error',
  'tcp-reset',
  'bfd',
  'reject',
  'igmp',
  'nd-na',
  'dhcpv4-opts',
  'dhcpv6-opts',
  'dns',
];

const TOTAL = EDITS.reduce((s, [w]) => s + w, 0);

/** The names of the edit kinds, for tests that check coverage. */
export const EDIT_KINDS: readonly string[] = EDITS.map(([, k]) => k);

/**
 * One random, valid transaction against the current contents of `nb` (not applied: pass `ops` to
 * `nb.transact`). The description starts with the edit kind. `weight` scales each kind's share (e.g. a
 * soak that keeps the NB's size steady favours deletions when it grew); without it, the built-in mix.
 */
export function randomNbEdit(nb: MemNb, rng: Rng, weight?: (kind: string) => number): NbEdit {
  const c = new Ctx(nb, rng);
  const weights = weight ? EDITS.map(([w, k]) => w * Math.max(0, weight(k))) : EDITS.map(([w]) => w);
  const total = weight ? weights.reduce((a, b) => a + b, 0) : TOTAL;
  if (!(total > 0)) throw new Error('randomNbEdit: every edit kind has weight 0');
  for (let tries = 0; ; tries++) {
    // Weights can leave only kinds with nothing to act on (deletions of an empty NB): say so, not spin.
    if (weight && tries === 10_000) throw new Error('randomNbEdit: no edit kind of nonzero weight applies');
    let x = rng() * total;
    let chosen = EDITS[EDITS.length - 1]!;
    for (const [i, e] of EDITS.entries()) {
      x -= weights[i]!;
      if (x < 0) {
        chosen = e;
        break;
      }
    }
    const edit = chosen[2](c);
    if (edit) return { description: `${chosen[1]}: ${edit.description}`, ops: edit.ops };
  }
}
