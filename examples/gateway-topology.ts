// The gateway-router topology of examples/gateway.sh, built with the typed @ovnts/nb library instead
// of the CLI: every operation goes into one working copy and commit() sends one transaction; then it reads
// the database back and checks the topology is there.
//
// Run (in this repository, on the TypeScript sources; OVN_NB_DB=unix:/path/nb.sock, CHASSIS defaults to hv1):
//   npx vite-node --config vitest.config.ts examples/gateway-topology.ts "$OVN_NB_DB" hv1
// In a project that installed @ovnts/nb: compile it with tsc (module NodeNext) and run the .js with node.
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
  listRouters,
  listSwitches,
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
function gatewayTopology(s: NbStore, chassis: string): void {
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
  const gw1 = addRouter(s, 'gw1').row;
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

/** Build the topology in the NB database at `remote` in one transaction, then check it is there. */
async function buildGatewayTopology(remote: string, chassis: string): Promise<void> {
  // A library call never waits forever: 10 s for the server to answer each request.
  const session = await NbSession.open(remote, { leaderOnly: true, timeoutMs: 10_000, requestTimeoutMs: 10_000 });
  try {
    const store = await session.load();
    gatewayTopology(store, chassis);
    await session.commit(store, { comment: 'examples/gateway-topology.ts' });

    const after = await session.load();
    // Rows are typed by the schema: `name` is a string column of both tables.
    const names = (rows: readonly { readonly name: string }[]) => rows.map((r) => r.name).sort();
    const switches = names(listSwitches(after));
    const routers = names(listRouters(after));
    for (const want of ['join', 'ls1', 'outside'])
      if (!switches.includes(want)) throw new Error(`switch ${want} missing`);
    for (const want of ['gw1', 'router1']) if (!routers.includes(want)) throw new Error(`router ${want} missing`);
    console.log(`switches: ${switches.join(' ')}; routers: ${routers.join(' ')}`);
  } finally {
    session.close();
  }
}

// argv[1] is this file under node, the runner under vite-node: the arguments start at argv[2] either way.
const remote = process.argv[2] ?? process.env['OVN_NB_DB'];
if (!remote) {
  console.error('usage: gateway-topology.ts NB_REMOTE [CHASSIS]');
  process.exit(2);
}
await buildGatewayTopology(remote, process.argv[3] ?? 'hv1');
console.log(`gateway topology created in ${remote}`);
