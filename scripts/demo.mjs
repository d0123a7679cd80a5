#!/usr/bin/env node
// npm run demo: the whole ovnts stack on real OVS, in a private temp dir.
//   ovsdb-server (NB, SB) ← ovnts-nbctl (examples/gateway.sh) ← ovnts-northd → SB → ovnts-controller → ovs-vswitchd (netdev)
// As root it also creates VMs in network namespaces and prints pings and curls through the load balancer.
// Needs `npm run build` first (npm run setup does it). Everything stops on exit or Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OvsdbClient } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import { Sandbox, waitFor } from '@ovnts/test-harness/servers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
for (const b of ['ovnts-nbctl', 'ovnts-northd', 'ovnts-controller']) {
  if (!existsSync(path.join(root, 'packages', b === 'ovnts-nbctl' ? 'cli' : b.slice(6), 'dist/bin', `${b}.js`))) {
    console.error(`demo: ${b} is not built: run npm run build (or npm run setup)`);
    process.exit(1);
  }
}

const sandbox = new Sandbox('ovnts-demo-');
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await sandbox.stop().catch((e) => console.error(`demo: teardown: ${e.message}`));
  process.exit(code);
}
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));

/** A long-running child (ours or a VM's web server), stopped with the sandbox. */
function child(label, cmd, args, env = sandbox.env) {
  const log = sandbox.file(`${label}.log`);
  const fd = openSync(log, 'a');
  const p = spawn(cmd, args, { env, stdio: ['ignore', fd, fd] });
  sandbox.own({
    stop: () =>
      new Promise((resolve) => {
        if (p.exitCode !== null || p.signalCode !== null) return resolve();
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
        setTimeout(() => p.kill('SIGKILL'), 3000).unref();
      }),
  });
  return p;
}

const step = (s) => console.log(`\n== ${s}`);

try {
  step('servers');
  const { nb, sb } = await sandbox.startCentral();
  console.log(`sandbox ${sandbox.dir}`);
  console.log(`NB ${nb.remotes.unix}  ${nb.remotes.tcp}`);
  console.log(`SB ${sb.remotes.unix}  ${sb.remotes.tcp}`);
  const nbEnv = { ...sandbox.env, OVN_NB_DB: nb.remotes.unix, PATH: `${path.dirname(bin('x'))}:${process.env.PATH}` };

  step('ovnts-northd');
  child('ovnts-northd', bin('ovnts-northd'), [`--ovnnb-db=${nb.remotes.unix}`, `--ovnsb-db=${sb.remotes.unix}`]);

  step('examples/gateway.sh through ovnts-nbctl');
  const topo = await sandbox.run('sh', [path.join(root, 'examples/gateway.sh'), 'hv1'], { env: nbEnv });
  process.stdout.write(topo.stdout);
  if (topo.code !== 0) throw new Error(`gateway.sh failed: ${topo.stderr}`);
  // A client VM on ls1 for the load balancer.
  await sandbox.runOk(
    bin('ovnts-nbctl'),
    ['lsp-add', 'ls1', 'vm3', '--', 'lsp-set-addresses', 'vm3', '02:ac:10:ff:00:33 192.168.100.12'],
    { env: nbEnv },
  );
  await sandbox.runOk(bin('ovnts-nbctl'), ['--timeout=30', '--wait=sb', 'sync'], { env: nbEnv });

  step('Southbound written by ovnts-northd (read with ovsdb-client-ts)');
  const client = await OvsdbClient.connect(sb.remotes.unix);
  const replica = await client.monitor(sbModel);
  await replica.ready;
  const snap = replica.snapshot();
  const dps = [...snap.Datapath_Binding.values()].sort((a, b) => a.tunnel_key - b.tunnel_key);
  for (const dp of dps) {
    const name = dp.external_ids['name'] ?? dp._uuid;
    const ports = [...snap.Port_Binding.values()]
      .filter((p) => p.datapath === dp._uuid)
      .sort((a, b) => a.tunnel_key - b.tunnel_key)
      .map((p) => `${p.logical_port}${p.type ? `(${p.type})` : ''}=${p.tunnel_key}`);
    console.log(`datapath ${name.padEnd(8)} key ${String(dp.tunnel_key).padEnd(3)} ports ${ports.join(' ')}`);
  }
  const perStage = new Map();
  for (const f of snap.Logical_Flow.values()) {
    const k = `${f.pipeline === 'ingress' ? 'in ' : 'out'} ${f.external_ids['stage-name'] ?? f.table_id}`;
    perStage.set(k, (perStage.get(k) ?? 0) + 1);
  }
  console.log(
    `${snap.Logical_Flow.size} logical flows, ${snap.Logical_DP_Group.size} datapath groups, ${snap.Multicast_Group.size} multicast groups`,
  );
  const top = [...perStage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log('busiest stages: ' + top.map(([k, n]) => `${k}:${n}`).join(', '));
  await replica.close?.();
  await client.close();

  if (process.getuid?.() !== 0) {
    console.log('\n(not root: skipping the chassis, VMs and packets; run as root for the full demo)');
    await stop(0);
  }

  step('chassis hv1: ovs-vswitchd (netdev) + ovnts-controller');
  const hv = await sandbox.startChassis({
    sbRemote: sb.remotes.unix,
    systemId: 'hv1',
    name: 'hv1',
    bridgeMappings: 'phyNet:br-phys',
  });
  // The outside network behind the localnet port phyNet: one host, 172.18.0.1, answering with the source it sees.
  const outside = await hv.addPhysicalHost('outside', '172.18.0.1/16');
  await sandbox.startHttpServer(outside.netns, '172.18.0.1');
  child('ovnts-controller', bin('ovnts-controller'), [hv.db.remotes.unix], hv.env);
  const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
  const vm2 = await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
  const vm3 = await hv.addVm('vm3', '02:ac:10:ff:00:33', '192.168.100.12/24', '192.168.100.1');
  await sandbox.runOk(bin('ovnts-nbctl'), ['--timeout=60', '--wait=hv', 'sync'], { env: nbEnv });
  const flows = await hv.ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt());
  console.log(
    `ovnts-controller installed ${flows.split('\n').filter((l) => l.includes('cookie=')).length} OpenFlow flows on br-int`,
  );

  step('packets');
  const ping = async (vm, dst, what) => {
    const r = await vm.exec('ping', ['-c', '3', '-i', '0.2', '-W', '2', dst]);
    const loss = /(\d+)% packet loss/.exec(r.stdout)?.[1] ?? '?';
    console.log(
      `ping ${vm.name} → ${dst.padEnd(15)} ${what.padEnd(28)} ${loss === '0' ? 'ok' : 'FAILED'} (${loss}% loss)`,
    );
    return loss === '0';
  };
  let ok = true;
  ok = (await ping(vm1, '192.168.100.11', 'VM to VM on ls1')) && ok;
  ok = (await ping(vm1, '192.168.100.1', 'VM to router1')) && ok;
  ok = (await ping(vm1, '192.168.255.2', 'VM to gw1 across join')) && ok;

  // gw1 SNATs ls1 to 172.18.1.2 on the way out; the first packets make gw1 learn the host's MAC.
  for (
    let i = 0;
    i < 5 && !(await vm1.exec('ping', ['-c', '1', '-W', '1', '172.18.0.1'])).stdout.includes(' 0% packet loss');
    i++
  );
  const out = await vm1.exec('curl', ['-s', '--max-time', '3', 'http://172.18.0.1/']);
  const snatOk = out.code === 0 && out.stdout.trim() === '172.18.1.2';
  console.log(
    `curl vm1 → 172.18.0.1 (outside, via localnet)  ${snatOk ? 'ok' : 'FAILED'} the host saw source ${out.stdout.trim() || `error ${out.code}`}`,
  );
  ok = ok && snatOk;

  // Backends answer with their own name; vm3 curls the VIP.
  for (const vm of [vm1, vm2]) {
    child(`web-${vm.name}`, 'ip', [
      'netns',
      'exec',
      vm.netns,
      process.execPath,
      '-e',
      `require('http').createServer((q, s) => s.end('${vm.name}\\n')).listen(80, '0.0.0.0')`,
    ]);
  }
  await waitFor(
    'web servers',
    async () => (await vm3.exec('curl', ['-s', '--max-time', '1', 'http://192.168.100.10/'])).code === 0,
    10_000,
    200,
  );
  const seen = new Map();
  for (let i = 0; i < 10; i++) {
    const r = await vm3.exec('curl', ['-s', '--max-time', '2', 'http://172.18.1.254/']);
    const who = r.code === 0 ? r.stdout.trim() : `error ${r.code}`;
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  const lbOk = seen.has('vm1') && seen.has('vm2');
  console.log(
    `curl vm3 → 172.18.1.254:80 ×10 (LB VIP)       ${lbOk ? 'ok' : 'FAILED'} ${[...seen].map(([k, n]) => `${k}×${n}`).join(' ')}`,
  );
  ok = ok && lbOk;
  await stop(ok ? 0 : 1);
} catch (e) {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  await stop(1);
}
