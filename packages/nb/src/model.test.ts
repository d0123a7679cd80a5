// The typed operations on an in-memory working copy: batching, validation and ovn-nbctl's rules.
import { describe, expect, it } from 'vitest';
import { model } from '@ovnts/schema/nb';
import { NbStore } from './store.js';
import { NbError } from './errors.js';
import { DuplicateNameError } from './lookup.js';
import {
  addSwitch,
  addSwitchPort,
  deleteSwitchPort,
  findSwitch,
  listSwitchPorts,
  setSwitchPortAddresses,
} from './switches.js';
import { addNat, addRoute, addRouter, addRouterPort, setGatewayChassis } from './routers.js';
import { addLoadBalancer, attachLoadBalancer, normalizeTemplateVip, normalizeVip } from './loadbalancers.js';
import { aclTarget, addAcl, listAcls, parseDirection } from './acls.js';

const fresh = () => new NbStore(model.schema);

describe('NB model operations', () => {
  it('builds a switch with ports in one batch', () => {
    const s = fresh();
    addSwitch(s, 'ls1');
    addSwitchPort(s, 'ls1', 'vm1');
    addSwitchPort(s, 'ls1', 'vm2');
    setSwitchPortAddresses(s, 'vm1', ['02:ac:10:ff:00:11 192.168.100.10']);
    expect(listSwitchPorts(s, 'ls1').map((p) => p.name)).toEqual(['vm1', 'vm2']);
    const ops = s.toOps() as { op: string; table: string }[];
    expect(ops.filter((o) => o.op === 'insert').map((o) => o.table)).toEqual([
      'Logical_Switch',
      'Logical_Switch_Port',
      'Logical_Switch_Port',
    ]);
    const ls = findSwitch(s, 'ls1');
    const name: string = ls.name;
    expect(name).toBe('ls1');
    expect(ls.ports).toHaveLength(2);
    deleteSwitchPort(s, 'vm2');
    expect(listSwitchPorts(s, 'ls1').map((p) => p.name)).toEqual(['vm1']);
  });

  it('duplicate names are an error listing every UUID', () => {
    const s = fresh();
    const a = addSwitch(s, 'dup').row;
    const b = addSwitch(s, 'dup', { addDuplicate: true }).row;
    let err: unknown;
    try {
      findSwitch(s, 'dup');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DuplicateNameError);
    expect((err as DuplicateNameError).message).toBe("Multiple logical switches named 'dup'.  Use a UUID.");
    expect((err as DuplicateNameError).uuids).toEqual([a._uuid, b._uuid]);
    expect(findSwitch(s, a._uuid)).toBe(a);
  });

  it('rejects duplicate IPs on a switch, bad MACs and bad networks', () => {
    const s = fresh();
    addSwitch(s, 'ls');
    addSwitchPort(s, 'ls', 'p1');
    addSwitchPort(s, 'ls', 'p2');
    setSwitchPortAddresses(s, 'p1', ['00:00:00:00:00:01 10.0.0.1']);
    expect(() => setSwitchPortAddresses(s, 'p2', ['00:00:00:00:00:02 10.0.0.1'])).toThrow(
      "Error on switch ls: duplicate IPv4 address '10.0.0.1' found on logical switch port 'p1'",
    );
    expect(() => setSwitchPortAddresses(s, 'p2', ['10.0.0.2'])).toThrow(NbError);
    addRouter(s, 'r');
    expect(() => addRouterPort(s, 'r', 'rp', '00:00:00:00:0g:01', ['10.0.0.1/24'])).toThrow('rp: invalid mac address');
    expect(() => addRouterPort(s, 'r', 'rp', '00:00:00:00:01:01', ['10.0.0.1/40'])).toThrow('invalid network address');
  });

  it('routes are normalized and duplicates need --ecmp', () => {
    const s = fresh();
    addRouter(s, 'r');
    const rt = addRoute(s, 'r', '10.1.2.3/16', '192.168.0.1', undefined).row;
    expect(rt.ip_prefix).toBe('10.1.0.0/16');
    expect(() => addRoute(s, 'r', '10.1.0.0/16', '192.168.0.2', undefined)).toThrow(/duplicate prefix/);
    expect(addRoute(s, 'r', '10.1.0.0/16', '192.168.0.2', undefined, { ecmp: true })).toBeDefined();
    expect(() => addRoute(s, 'r', 'nonsense', '192.168.0.2', undefined)).toThrow('bad prefix argument: nonsense');
  });

  it('NAT: snat takes a network, conflicting rules are refused', () => {
    const s = fresh();
    addRouter(s, 'gw');
    const nat = addNat(s, 'gw', 'snat', '172.18.1.2', '192.168.100.5/24').row;
    expect(nat.logical_ip).toBe('192.168.100.0/24');
    expect(() => addNat(s, 'gw', 'snat', '172.18.1.3', '192.168.100.0/24')).toThrow(
      'a NAT with this type (snat), logical_ip (192.168.100.0/24) already exists',
    );
    expect(() => addNat(s, 'gw', 'dnat', '172.18.1.4', '10.0.0.0/24')).toThrow('Not a valid IPv4 address');
  });

  it('gateway chassis and load balancers', () => {
    const s = fresh();
    addRouter(s, 'gw');
    addRouterPort(s, 'gw', 'gw-out', '00:00:00:00:02:01', ['172.18.1.2/16']);
    const gc = setGatewayChassis(s, 'gw-out', 'hv1', 20);
    expect(gc.row.name).toBe('gw-out-hv1');
    expect(gc.created).toBe(true);
    expect(setGatewayChassis(s, 'gw-out', 'hv1', 30)).toEqual({ row: gc.row, created: false });
    expect(gc.row.priority).toBe(30);
    expect(normalizeVip('[fd00::0:1]:80', '[fd01::1]:8080')).toEqual({
      key: '[fd00::1]:80',
      value: '[fd01::1]:8080',
      hasPort: true,
    });
    expect(() => normalizeVip('1.2.3.4:80', '10.0.0.1')).toThrow('10.0.0.1: should be an IP address and a port number');
    const lb = addLoadBalancer(s, 'lb', '172.18.1.254:80', '192.168.100.10:80,192.168.100.11:80').row;
    attachLoadBalancer(s, 'router', 'gw', 'lb');
    expect(() => attachLoadBalancer(s, 'router', 'gw', 'lb')).toThrow(
      `${lb._uuid} : a load balancer with this UUID already exists`,
    );
  });

  it('template load balancers: variables, or explicit backends of the given family', () => {
    const s = fresh();
    const lb = addLoadBalancer(s, 'tlb', '^vip:^vport', '^backend:^bport', {
      template: true,
      protocol: 'udp',
      addressFamily: 'ipv6',
    }).row;
    expect(lb.vips).toEqual({ '^vip:^vport': '^backend:^bport' });
    expect(lb.options).toEqual({ template: 'true', 'address-family': 'ipv6' });
    expect(normalizeTemplateVip('^vip:^vport', '[1::1]:111', 6).value).toBe('[1::1]:111');
    expect(() => normalizeTemplateVip('a:b:c', '^b', 4)).toThrow(
      "a:b:c: should be a template of the form: '^vip_variable[:^port_variable|:port]'.",
    );
    expect(() => normalizeTemplateVip('^v:^p', 'a:b:c', 6)).toThrow(
      "invalid backend: template (a: should be a template of the form: '^backendip_variable1[:^port_variable1|:port]'.) " +
        'OR explicit (a:b:c: should be an IP address and a port number with : as a separator.)',
    );
  });

  it('ACLs are sorted like ovn-nbctl and duplicates refused', () => {
    const s = fresh();
    addSwitch(s, 'ls');
    const t = aclTarget(s, 'ls');
    addAcl(s, t, 'to-lport', 100, 'ip4', 'drop');
    addAcl(s, t, 'from-lport', 200, 'ip4', 'allow');
    addAcl(s, t, 'from-lport', 300, 'ip6', 'allow-related');
    expect(listAcls(s, t).map((a) => `${a.direction}/${a.priority}`)).toEqual([
      'from-lport/300',
      'from-lport/200',
      'to-lport/100',
    ]);
    expect(() => addAcl(s, t, 'to-lport', 100, 'ip4', 'drop')).toThrow('Same ACL already existed on the ls ls.');
    expect(() => parseDirection('up')).toThrow('up: direction must be "to-lport" or "from-lport"');
    expect(parseDirection('t')).toBe('to-lport');
  });
});
