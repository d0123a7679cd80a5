// The gateway-router topology of examples/gateway.sh, built with the typed @ovnts/nb library instead
// of the CLI: every operation goes into one working copy and commit() sends one transaction.
//
//   npx vite-node --config vitest.config.ts examples/gateway-topology.ts unix:/path/nb.sock [CHASSIS]
import {
  addLoadBalancer,
  addNat,
  addRoute,
  addRouter,
  addRouterPort,
  addSwitch,
  addSwitchPort,
  attachLoadBalancer,
  NbSession,
  setSwitchPortAddresses,
  setSwitchPortOptions,
  setSwitchPortType,
  type NbStore,
} from '@ovnts/nb';

/** Connect a switch to a router port with a "router"-type switch port. */
function patch(s: NbStore, sw: string, lsp: string, lrp: string): void {
  addSwitchPort(s, sw, lsp);
  setSwitchPortType(s, lsp, 'router');
  setSwitchPortAddresses(s, lsp, ['router']);
  setSwitchPortOptions(s, lsp, { 'router-port': lrp });
}

/** Add the whole topology to `s` (nothing is written until the caller commits). */
export function gatewayTopology(s: NbStore, chassis: string): void {
  addSwitch(s, 'ls1');
  addSwitchPort(s, 'ls1', 'vm1');
  setSwitchPortAddresses(s, 'vm1', ['02:ac:10:ff:00:11 192.168.100.10']);
  addSwitchPort(s, 'ls1', 'vm2');
  setSwitchPortAddresses(s, 'vm2', ['02:ac:10:ff:00:22 192.168.100.11']);

  addRouter(s, 'router1');
  addRouterPort(s, 'router1', 'router1-ls1', '02:ac:10:ff:01:01', ['192.168.100.1/24']);
  patch(s, 'ls1', 'ls1-router1', 'router1-ls1');

  addSwitch(s, 'join');
  addRouterPort(s, 'router1', 'router1-join', '02:ac:10:ff:ff:01', ['192.168.255.1/24']);
  patch(s, 'join', 'join-router1', 'router1-join');

  // The gateway router is centralized: it runs on one chassis.
  const gw1 = addRouter(s, 'gw1')!;
  s.set('Logical_Router', gw1, 'options', { chassis });
  addRouterPort(s, 'gw1', 'gw1-join', '02:ac:10:ff:ff:02', ['192.168.255.2/24']);
  patch(s, 'join', 'join-gw1', 'gw1-join');

  addRoute(s, 'router1', '0.0.0.0/0', '192.168.255.2', undefined);
  addRoute(s, 'gw1', '192.168.100.0/24', '192.168.255.1', undefined);

  addSwitch(s, 'outside');
  addRouterPort(s, 'gw1', 'gw1-outside', '02:ac:10:ff:02:01', ['172.18.1.2/16']);
  patch(s, 'outside', 'outside-gw1', 'gw1-outside');
  addSwitchPort(s, 'outside', 'phyNet');
  setSwitchPortType(s, 'phyNet', 'localnet');
  setSwitchPortAddresses(s, 'phyNet', ['unknown']);
  setSwitchPortOptions(s, 'phyNet', { network_name: 'phyNet' });
  addRoute(s, 'gw1', '0.0.0.0/0', '172.18.0.1', undefined);

  addNat(s, 'gw1', 'snat', '172.18.1.2', '192.168.100.0/24');
  addLoadBalancer(s, 'lb1', '172.18.1.254:80', '192.168.100.10:80,192.168.100.11:80');
  attachLoadBalancer(s, 'router', 'gw1', 'lb1');
  attachLoadBalancer(s, 'switch', 'ls1', 'lb1');
}

/** Build the topology in the NB database at `remote` in one transaction. */
export async function buildGatewayTopology(remote: string, chassis = 'hv1'): Promise<void> {
  const session = await NbSession.open(remote, { leaderOnly: true });
  try {
    const store = await session.load();
    gatewayTopology(store, chassis);
    await session.commit(store, { comment: 'examples/gateway-topology.ts' });
  } finally {
    session.close();
  }
}

if (process.argv[1] && /gateway-topology\.[tj]s$/.test(process.argv[1])) {
  const remote = process.argv[2] ?? process.env['OVN_NB_DB'];
  if (!remote) {
    console.error('usage: gateway-topology.ts NB_REMOTE [CHASSIS]');
    process.exit(2);
  }
  await buildGatewayTopology(remote, process.argv[3]);
  console.log(`gateway topology created in ${remote}`);
}
