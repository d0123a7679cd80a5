import { describe, expect, it } from 'vitest';
import type { ACL, AddressSet, LoadBalancer, NAT, PortGroup } from '@ovnts/schema/nb';
import { schema } from '@ovnts/schema/nb';
import { compile } from '../compile.js';
import type { NbInput } from '../input.js';
import { diffSb } from '../sb-diff.js';
import { MemSb } from '../testing/mem-sb.js';
import { NbBuilder } from '../testing/nb-builder.js';
import { makeRow } from '../testing/rows.js';
import { parseEndpoint } from './lb-vip.js';

type Rows = Record<string, Map<string, unknown>>;

/** ls1 with web1/web2/client, port group pg_web with an allow-related ACL, an address set and a VIP. */
function nb(opts: { acl?: boolean; lb?: boolean } = {}): NbInput {
  return fixture(opts).input;
}

function fixture(opts: { acl?: boolean; lb?: boolean } = {}) {
  const b = new NbBuilder()
    .ls('ls1')
    .vif('ls1', 'web1', '02:00:00:00:00:01 10.0.0.1 fd00::1')
    .vif('ls1', 'web2', '02:00:00:00:00:02 10.0.0.2')
    .vif('ls1', 'client', '02:00:00:00:00:03 10.0.0.3');
  const input = b.build();
  const rows = input as unknown as Rows;
  const ls = b.switches.get('ls1')!;
  const acl = makeRow<ACL>(
    schema,
    'ACL',
    {
      direction: 'to-lport',
      priority: 1000,
      action: 'allow-related',
      match: 'outport == @pg_web && ip4.src == $clients',
    },
    'a0000000-0000-4000-8000-000000000001',
  );
  const pg = makeRow<PortGroup>(
    schema,
    'Port_Group',
    {
      name: 'pg_web',
      ports: [b.lsps.get('web1')!._uuid, b.lsps.get('web2')!._uuid],
      acls: opts.acl === false ? [] : [acl._uuid],
    },
    'a0000000-0000-4000-8000-000000000002',
  );
  const as = makeRow<AddressSet>(
    schema,
    'Address_Set',
    { name: 'clients', addresses: ['10.0.0.3'] },
    'a0000000-0000-4000-8000-000000000003',
  );
  const lb = makeRow<LoadBalancer>(
    schema,
    'Load_Balancer',
    { name: 'vip', protocol: 'tcp', vips: { '10.0.0.100:80': '10.0.0.1:8080,10.0.0.2:8080' } },
    'a0000000-0000-4000-8000-000000000004',
  );
  rows['ACL']!.set(acl._uuid, acl);
  rows['Port_Group']!.set(pg._uuid, pg);
  rows['Address_Set']!.set(as._uuid, as);
  rows['Load_Balancer']!.set(lb._uuid, lb);
  if (opts.lb !== false) ls.load_balancer = [lb._uuid];
  return { input, ls };
}

describe('stateful compile', () => {
  it('writes SB port groups per switch, derived address sets and load balancers', () => {
    const c = compile(nb());
    expect(c.diagnostics).toEqual([]);
    const key = c.datapaths[0]!.tunnelKey;
    expect(c.portGroups).toEqual([{ name: `${key}_pg_web`, ports: ['web1', 'web2'] }]);
    const sets = Object.fromEntries(c.addressSets.map((a) => [a.name, a.addresses]));
    expect(sets).toMatchObject({
      clients: ['10.0.0.3'],
      pg_web_ip4: ['10.0.0.1', '10.0.0.2'],
      pg_web_ip6: ['fd00::1'],
    });
    expect(c.loadBalancers).toHaveLength(1);
    expect(c.loadBalancers[0]).toMatchObject({
      name: 'vip',
      options: { hairpin_orig_tuple: 'true' },
      datapaths: [c.datapaths[0]!.id],
    });
  });

  it('commits allowed new connections and load-balances VIP traffic', () => {
    const flows = compile(nb()).logicalFlows.map((f) => `${f.stageName} ${f.priority} ${f.match} => ${f.actions}`);
    expect(flows).toContain(
      'ls_out_acl 2000 reg0[7] == 1 && (outport == @pg_web && ip4.src == $clients) => reg0[1] = 1; next;',
    );
    expect(flows).toContain(
      'ls_in_lb 120 ct.new && ip4.dst == 10.0.0.100 && tcp.dst == 80 => reg0[1] = 0; ct_lb_mark(backends=10.0.0.1:8080,10.0.0.2:8080);',
    );
    // With something stateful the pass-everything skeleton flows are gone.
    expect(flows).not.toContain('ls_in_acl 65535 1 => next;');
  });

  it('keeps the stateless skeleton when nothing is stateful', () => {
    const flows = compile(nb({ acl: false, lb: false })).logicalFlows.map(
      (f) => `${f.stageName} ${f.priority} ${f.match}`,
    );
    expect(flows).toContain('ls_in_acl 65535 1');
    expect(flows.filter((f) => f.startsWith('ls_in_acl_hint'))).toEqual(['ls_in_acl_hint 65535 1']);
  });

  it('diffs port groups and load balancers idempotently and removes them when gone', () => {
    const { input, ls } = fixture();
    const mem = new MemSb();
    const w1 = mem.begin();
    diffSb(compile(input), mem.state(), w1);
    w1.commit();
    expect(mem.tables.get('Port_Group')!.size).toBe(1);
    expect(mem.tables.get('Load_Balancer')!.size).toBe(1);

    const w2 = mem.begin();
    expect(diffSb(compile(input), mem.state(), w2)).toEqual({ inserted: 0, updated: 0, deleted: 0 });

    const w3 = mem.begin();
    ls.load_balancer = [];
    diffSb(compile(input), mem.state(), w3);
    w3.commit();
    expect(mem.tables.get('Load_Balancer')!.size).toBe(0);
    expect(mem.tables.get('Port_Group')!.size).toBe(1);
  });
});

describe('load balancer endpoints', () => {
  it('parses IPv4/IPv6 with and without ports and rejects bad ones', () => {
    expect(parseEndpoint('10.0.0.1:80')).toEqual({ ip: '10.0.0.1', family: 4, port: 80 });
    expect(parseEndpoint('10.0.0.1')).toEqual({ ip: '10.0.0.1', family: 4, port: 0 });
    expect(parseEndpoint('[fd00::0001]:8080')).toEqual({ ip: 'fd00::1', family: 6, port: 8080 });
    expect(parseEndpoint('fd00::1')).toEqual({ ip: 'fd00::1', family: 6, port: 0 });
    expect(parseEndpoint('10.0.0.1:99999')).toBeNull();
    expect(parseEndpoint('nope:80')).toBeNull();
  });
});

describe('distributed gateway ports', () => {
  it('bind a chassisredirect port and NAT through it on the gateway chassis', () => {
    const b = new NbBuilder()
      .ls('ls1')
      .lr('lr1')
      .link('lr1', 'ls1', '02:00:00:00:01:01', ['10.0.0.1/24'])
      .lrp('lr1', 'lr1-out', '02:00:00:00:02:01', ['172.16.0.1/24'])
      .gwChassis('lr1-out', 'gw1', 10);
    const input = b.build();
    const nat = makeRow<NAT>(
      schema,
      'NAT',
      { type: 'snat', external_ip: '172.16.0.1', logical_ip: '10.0.0.0/24' },
      'b0000000-0000-4000-8000-000000000002',
    );
    (input as unknown as Rows)['NAT']!.set(nat._uuid, nat);
    b.routers.get('lr1')!.nat = [nat._uuid];
    const c = compile(input);
    expect(c.diagnostics).toEqual([]);
    expect(c.portBindings.find((p) => p.logicalPort === 'cr-lr1-out')).toMatchObject({
      type: 'chassisredirect',
      options: { 'always-redirect': 'true', 'distributed-port': 'lr1-out' },
    });
    const flows = c.logicalFlows.map((f) => `${f.stageName} ${f.priority} ${f.match} => ${f.actions}`);
    expect(flows).toContain(
      'lr_out_snat 153 ip && ip4.src == 10.0.0.0/24 && outport == "lr1-out" && is_chassis_resident("cr-lr1-out") => ct_snat_in_czone(172.16.0.1);',
    );
    expect(flows).toContain('lr_in_gw_redirect 50 outport == "lr1-out" => outport = "cr-lr1-out"; next;');
  });
});
