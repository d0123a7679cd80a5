// Setup shared by the ovnts-controller real-server tests: the central databases with a northd, an ovn-nbctl
// bound to the NB, and the small logical topologies several tests start from.
import {
  type Chassis,
  type OvsdbServer,
  type Sandbox,
  localnetPortArgs,
  routerLinkArgs,
  runOk,
  vifArgs,
} from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

/** `ovn-nbctl --db=<nb> …`, trimmed stdout. */
export type Nbctl = (...args: string[]) => Promise<string>;

export interface Central {
  readonly nb: OvsdbServer;
  readonly sbdb: OvsdbServer;
  readonly nbctl: Nbctl;
}

/**
 * NB + SB (NB initialised) and a northd between them: the real ovn-northd unless `northd` starts another one
 * (e.g. ovnts-northd) given the two unix remotes. OVNTS_TEST_NORTHD=ovnts makes ovnts-northd the default, to run
 * the tests written against the real northd under ours.
 */
export async function startCentral(
  sb: Sandbox,
  northd: (nbRemote: string, sbRemote: string) => Promise<unknown> = process.env['OVNTS_TEST_NORTHD'] === 'ovnts'
    ? (n, s) => startOvntsNorthd(sb, n, s)
    : (n, s) => sb.startRealNorthd(n, s),
): Promise<Central> {
  const { nb, sb: sbdb } = await sb.startCentral();
  await northd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl: Nbctl = async (...a) => (await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a])).trim();
  return { nb, sbdb, nbctl };
}

/** A logical switch port with addresses (`"<mac> <ip>…"`). */
export async function addVif(nbctl: Nbctl, ls: string, name: string, addresses: string): Promise<void> {
  await nbctl(...vifArgs(ls, name, addresses));
}

/**
 * Router lr1 with switches ls1, ls2, …: switch ls<n> is attached through router port lr1-ls<n> (MAC
 * 02:ac:10:ff:0<n>:01, the given networks) and its peer ls<n>-lr1.
 */
export async function addRouterWithSwitches(nbctl: Nbctl, networks: readonly (readonly string[])[]): Promise<void> {
  await nbctl('lr-add', 'lr1');
  for (const [i, nets] of networks.entries()) {
    const n = i + 1;
    await nbctl('ls-add', `ls${n}`);
    await nbctl(...routerLinkArgs('lr1', `lr1-ls${n}`, `02:ac:10:ff:0${n}:01`, nets, `ls${n}`, `ls${n}-lr1`));
  }
}

/**
 * Switch ls1 with vm1 (02:ac:10:ff:00:11, 192.168.100.10) and vm2 (02:ac:10:ff:00:22, 192.168.100.11); with
 * `routed`, also router lr1 on it (lr1-ls1: 02:ac:10:ff:00:01, 192.168.100.1/24).
 */
export async function addTwoVmSwitch(nbctl: Nbctl, routed = false): Promise<void> {
  await nbctl('ls-add', 'ls1');
  await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:ff:00:11 192.168.100.10');
  await addVif(nbctl, 'ls1', 'vm2', '02:ac:10:ff:00:22 192.168.100.11');
  if (routed)
    await nbctl(
      ...['lr-add', 'lr1', '--'],
      ...routerLinkArgs('lr1', 'lr1-ls1', '02:ac:10:ff:00:01', '192.168.100.1/24', 'ls1', 'ls1-lr1'),
    );
}

/**
 * addTwoVmSwitch's switch as a CMS without --wait builds it, one transaction per call (the start-order tests),
 * with both VMs plugged on `hv`; after `--wait=hv`, vm1 pings vm2. Returns ping's output.
 */
export async function oneShotTwoVmsPing(nbctl: Nbctl, hv: Chassis): Promise<string> {
  await nbctl('ls-add', 'ls1');
  await nbctl('lsp-add', 'ls1', 'vm1');
  await nbctl('lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10');
  await nbctl('lsp-add', 'ls1', 'vm2');
  await nbctl('lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11');
  const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
  await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
  await nbctl('--wait=hv', 'sync');
  return (await vm1.exec('ping', ['-c', '3', '-i', '0.2', '-W', '2', '192.168.100.11'])).stdout;
}

/** Where lr1's gateway to the physical network runs (addGatewayTopology). */
export type GatewayPlacement =
  /** A gateway router bound to this chassis (options:chassis): l3gateway ports. */
  | { readonly routerChassis: string }
  /** A distributed gateway port with these gateway chassis and priorities: a chassisredirect port. */
  | { readonly gatewayChassis: readonly (readonly [name: string, priority: number])[] };

/**
 * A VM behind a router with a gateway to the outside: ls1 with vm1 (02:ac:10:ff:01:10, 192.168.1.10) on
 * lr1 (192.168.1.1/24), and lr1-pub (172.18.1.2/24) on switch pub, whose localnet port pub-ln reaches the
 * physical network `physnet` (on VLAN `vlan`, if given); vm1's subnet is SNATed to 172.18.1.2.
 */
export async function addGatewayTopology(nbctl: Nbctl, at: GatewayPlacement, vlan?: number): Promise<void> {
  if ('routerChassis' in at)
    await nbctl('lr-add', 'lr1', '--', 'set', 'Logical_Router', 'lr1', `options:chassis=${at.routerChassis}`);
  else await nbctl('lr-add', 'lr1');
  await nbctl('ls-add', 'ls1', '--', ...vifArgs('ls1', 'vm1', '02:ac:10:ff:01:10 192.168.1.10'));
  await nbctl(...routerLinkArgs('lr1', 'lr1-ls1', '02:ac:10:ff:01:01', '192.168.1.1/24', 'ls1', 'ls1-lr1'));
  await nbctl('ls-add', 'pub', '--', ...localnetPortArgs('pub', 'pub-ln', 'physnet'));
  if (vlan) await nbctl('set', 'Logical_Switch_Port', 'pub-ln', `tag_request=${vlan}`);
  await nbctl(...routerLinkArgs('lr1', 'lr1-pub', '02:ac:10:ff:ee:01', '172.18.1.2/24', 'pub', 'pub-lr1'));
  if ('gatewayChassis' in at)
    for (const [name, priority] of at.gatewayChassis)
      await nbctl('lrp-set-gateway-chassis', 'lr1-pub', name, String(priority));
  await nbctl('lr-nat-add', 'lr1', 'snat', '172.18.1.2', '192.168.1.0/24');
}

/**
 * The underlay between two chassis: br-phy holding the encap IP `<underlay>.1` / `<underlay>.2` on each (OVS
 * userspace tunneling), and a veth between their namespaces.
 */
export async function connectUnderlay(sb: Sandbox, a: Chassis, b: Chassis, underlay: string): Promise<void> {
  const tag = sb.dir.slice(-6).replace(/[^a-zA-Z0-9]/g, 'x');
  const ends = [`ua${tag}`, `ub${tag}`];
  await runOk('ip', [
    'link',
    'add',
    ends[0]!,
    'netns',
    a.netns,
    'type',
    'veth',
    'peer',
    'name',
    ends[1]!,
    'netns',
    b.netns,
  ]);
  for (const [i, hv] of [a, b].entries()) {
    await hv.vsctl(
      'add-br',
      'br-phy',
      '--',
      'set',
      'bridge',
      'br-phy',
      'datapath_type=netdev',
      '--',
      'add-port',
      'br-phy',
      ends[i]!,
    );
    await runOk('ip', ['-n', hv.netns, 'link', 'set', ends[i]!, 'up']);
    await runOk('ip', ['-n', hv.netns, 'addr', 'add', `${underlay}.${i + 1}/24`, 'dev', 'br-phy']);
    await runOk('ip', ['-n', hv.netns, 'link', 'set', 'br-phy', 'up']);
  }
}

/**
 * One L2 segment for several chassis: a Linux bridge br0 in its own namespace (returned) holding `ip` (none if
 * empty); each chassis gets br-phy (netdev) with a veth to it and the underlay address `<underlay>.<i+1>`.
 */
export async function sharedSegment(
  sb: Sandbox,
  hvs: readonly Chassis[],
  ip: string,
  underlay: string,
): Promise<string> {
  const seg = await sb.addNetns('segment');
  await runOk('ip', ['-n', seg, 'link', 'add', 'br0', 'type', 'bridge']);
  if (ip) await runOk('ip', ['-n', seg, 'addr', 'add', ip, 'dev', 'br0']);
  await runOk('ip', ['-n', seg, 'link', 'set', 'br0', 'up']);
  const tag = sb.dir.slice(-5).replace(/[^a-zA-Z0-9]/g, 'x');
  for (const [i, hv] of hvs.entries()) {
    const [inner, outer] = [`h${i}${tag}`, `s${i}${tag}`];
    await runOk('ip', ['link', 'add', inner, 'netns', hv.netns, 'type', 'veth', 'peer', 'name', outer, 'netns', seg]);
    await runOk('ip', ['-n', seg, 'link', 'set', outer, 'master', 'br0', 'up']);
    await hv.vsctl('add-br', 'br-phy', '--', 'set', 'bridge', 'br-phy', 'datapath_type=netdev');
    await hv.vsctl('add-port', 'br-phy', inner);
    await runOk('ip', ['-n', hv.netns, 'link', 'set', inner, 'up']);
    await runOk('ip', ['-n', hv.netns, 'addr', 'add', `${underlay}.${i + 1}/24`, 'dev', 'br-phy']);
    await runOk('ip', ['-n', hv.netns, 'link', 'set', 'br-phy', 'up']);
  }
  return seg;
}

/**
 * Router lr1 with switch ls1 (192.168.1.0/24) and VIF vm1 (02:ac:10:01:00:11 192.168.1.11) with native DHCPv4
 * (lease 3600 s, router and DNS server 192.168.1.1) and the DNS record vm9.ovn.test → 192.168.1.99 on ls1.
 */
export async function addDhcpDnsSwitch(nbctl: Nbctl): Promise<void> {
  await addRouterWithSwitches(nbctl, [['192.168.1.1/24']]);
  await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:01:00:11 192.168.1.11');
  const uuid = await nbctl('create', 'DHCP_Options', 'cidr="192.168.1.0/24"');
  await nbctl(
    'dhcp-options-set-options',
    uuid,
    'lease_time=3600',
    'router=192.168.1.1',
    'server_id=192.168.1.1',
    'server_mac=02:ac:10:ff:01:01',
    'dns_server={192.168.1.1}',
  );
  await nbctl('lsp-set-dhcpv4-options', 'vm1', uuid);
  const dns = await nbctl('create', 'DNS', 'records={"vm9.ovn.test"="192.168.1.99"}');
  await nbctl('add', 'Logical_Switch', 'ls1', 'dns_records', dns);
}
