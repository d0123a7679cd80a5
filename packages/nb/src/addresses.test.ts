// Every address-taking operation accepts @ovnts/net's parsed values as well as text, and both give
// the same rows; text keeps ovn-nbctl's checks and wording.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseCidr, parseIp, parseMac, type IpAddr, type IpNet, type Mac } from '@ovnts/net';
import { model } from '@ovnts/schema/nb';
import { endpointText, lspAddressText, type LbEndpoint } from './addresses.js';
import { addStaticMacBinding, createDhcpOptions, deleteStaticMacBinding } from './dhcp-ha.js';
import { addLoadBalancer, deleteLoadBalancer } from './loadbalancers.js';
import {
  addNat,
  addPolicy,
  addRoute,
  addRouter,
  addRouterPort,
  deleteNat,
  deleteRoutes,
  findRouter,
} from './routers.js';
import { NbStore } from './store.js';
import {
  addSwitch,
  addSwitchPort,
  derefAll,
  findSwitchPort,
  setSwitchPortAddresses,
  setSwitchPortSecurity,
} from './switches.js';

const mac = (s: string): Mac => parseMac(s)!;
const ip = (s: string): IpAddr => parseIp(s)!;
const net = (s: string): IpNet => parseCidr(s)!;

/** The same operations once with text, once with parsed values; the rows must be identical. */
function build(parsed: boolean): NbStore {
  const s = new NbStore(model.schema);
  const t = <T>(text: string, value: T): string | T => (parsed ? value : text);
  addRouter(s, 'lr');
  addRouterPort(s, 'lr', 'lrp', t('0a:00:00:00:00:01', mac('0a:00:00:00:00:01')), [
    t('10.0.0.1/24', net('10.0.0.1/24')),
    t('fd00::1/64', net('fd00::1/64')),
  ]);
  addRoute(s, 'lr', t('192.168.0.0/16', net('192.168.0.0/16')), t('10.0.0.254', ip('10.0.0.254')), undefined);
  addRoute(s, 'lr', t('fd01::/64', net('fd01::/64')), t('fd00::fe', ip('fd00::fe')), undefined);
  addNat(s, 'lr', 'snat', t('172.16.0.1', ip('172.16.0.1')), t('10.0.0.0/24', net('10.0.0.0/24')));
  addNat(s, 'lr', 'dnat_and_snat', t('172.16.0.2', ip('172.16.0.2')), t('10.0.0.2', ip('10.0.0.2')), {
    logicalPort: 'vm',
    externalMac: t('0a:00:00:00:00:02', mac('0a:00:00:00:00:02')),
  });
  addPolicy(s, 'lr', {
    priority: 10,
    match: 'ip4.src == 10.0.0.0/24',
    action: 'reroute',
    nexthops: [t('10.0.0.253', ip('10.0.0.253'))],
  });
  addStaticMacBinding(s, 'lrp', t('10.0.0.9', ip('10.0.0.9')), t('0a:00:00:00:00:09', mac('0a:00:00:00:00:09')));
  addSwitch(s, 'ls');
  addSwitchPort(s, 'ls', 'vm');
  setSwitchPortAddresses(s, 'vm', [
    t('0a:00:00:00:00:03 10.0.0.3 fd00::3', { mac: mac('0a:00:00:00:00:03'), ips: [ip('10.0.0.3'), ip('fd00::3')] }),
    'unknown',
  ]);
  setSwitchPortSecurity(s, 'vm', [
    t('0a:00:00:00:00:03 10.0.0.0/24', { mac: mac('0a:00:00:00:00:03'), ips: [net('10.0.0.0/24')] }),
  ]);
  const vip: LbEndpoint = { ip: ip('fd00::100'), port: 80 };
  addLoadBalancer(s, 'lb6', t('[fd00::100]:80', vip), parsed ? [{ ip: ip('fd00::3'), port: 8080 }] : '[fd00::3]:8080');
  addLoadBalancer(s, 'lb4', t('10.0.0.100', { ip: ip('10.0.0.100') }), parsed ? [{ ip: ip('10.0.0.3') }] : '10.0.0.3');
  createDhcpOptions(s, t('10.0.0.0/24', net('10.0.0.0/24')));
  return s;
}

/** Rows without their UUIDs, table by table. */
function contents(s: NbStore): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of [
    'Logical_Router_Port',
    'Logical_Router_Static_Route',
    'NAT',
    'Logical_Router_Policy',
    'Static_MAC_Binding',
    'Logical_Switch_Port',
    'Load_Balancer',
    'DHCP_Options',
  ] as const) {
    out[table] = s.rows(table).map((r) => {
      const { _uuid, ...rest } = r as Record<string, unknown>;
      void _uuid;
      return rest;
    });
  }
  return out;
}

describe('parsed addresses', () => {
  it('text and parsed values build the same rows', () => {
    expect(contents(build(true))).toEqual(contents(build(false)));
    const lsp = findSwitchPort(build(true), 'vm');
    expect(lsp.addresses).toEqual(['0a:00:00:00:00:03 10.0.0.3 fd00::3', 'unknown']);
    expect(lsp.port_security).toEqual(['0a:00:00:00:00:03 10.0.0.0/24']);
  });

  it('deletes take parsed values too', () => {
    const s = build(true);
    deleteRoutes(s, 'lr', net('192.168.0.0/16'));
    const lr = () => findRouter(s, 'lr');
    expect(derefAll(s, 'Logical_Router_Static_Route', lr().static_routes).map((r) => r.ip_prefix)).toEqual([
      'fd01::/64',
    ]);
    deleteNat(s, 'lr', 'snat', net('10.0.0.0/24'));
    expect(derefAll(s, 'NAT', lr().nat).map((r) => r.type)).toEqual(['dnat_and_snat']);
    deleteStaticMacBinding(s, 'lrp', ip('10.0.0.9'));
    expect(s.rows('Static_MAC_Binding')).toEqual([]);
    deleteLoadBalancer(s, 'lb6', { ip: ip('fd00::100'), port: 80 });
    expect(s.rows('Load_Balancer').map((r) => r.name)).toEqual(['lb4']);
  });

  it('text still gets ovn-nbctl’s checks and wording', () => {
    const s = build(false);
    expect(() => addRouterPort(s, 'lr', 'bad', '0a:00:00:00:00', ['10.1.0.1/24'])).toThrow(
      'bad: invalid mac address 0a:00:00:00:00',
    );
    expect(() => addNat(s, 'lr', 'snat', '1.2.3', '10.0.0.0/24')).toThrow('1.2.3: Not a valid IPv4 or IPv6 address.');
  });

  it('families that must agree are still checked for parsed values', () => {
    const s = build(true);
    expect(() =>
      addPolicy(s, 'lr', { priority: 11, match: 'ip4', action: 'reroute', nexthops: [ip('10.0.0.1'), ip('fd00::1')] }),
    ).toThrow('not in the same addr family');
    expect(() => addNat(s, 'lr', 'dnat', ip('172.16.0.9'), ip('fd00::9'))).toThrow(
      'fd00::9: Not a valid IPv4 address.',
    );
  });

  it('formats parsed values canonically', () => {
    expect(lspAddressText({ mac: mac('A:B:C:D:E:F') })).toBe('0a:0b:0c:0d:0e:0f');
    expect(endpointText({ ip: ip('FD00:0:0::1'), port: 443 })).toBe('[fd00::1]:443');
    expect(endpointText({ ip: ip('fd00::1') })).toBe('fd00::1');
    expectTypeOf(addRouterPort).parameter(3).toEqualTypeOf<string | Mac>();
  });
});
