// ovnts-controller under the REAL ovn-northd: a load balancer VIP on the client's switch spreads 10 curl
// requests over two backends on another subnet (ct_lb_mark + an OpenFlow select group).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Sandbox, type Vm, useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addRouterWithSwitches, addVif, startCentral } from './controller-fixtures.js';

/** A tiny HTTP server in the VM's namespace that answers with the VM's name; stopped with the sandbox. */
async function serve(sb: Sandbox, vm: Vm): Promise<void> {
  const code = `require('http').createServer((q, s) => s.end('${vm.name}')).listen(80, '${vm.ip}', () => console.log('up'))`;
  const child = spawn('ip', ['netns', 'exec', vm.netns, process.execPath, '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  sb.own({
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  });
  await once(child.stdout, 'data');
}

describe('ovnts-controller: load balancer', () => {
  const sandbox = useSandbox();

  it('curl to the VIP reaches both backends', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addRouterWithSwitches(nbctl, [['192.168.1.1/24'], ['192.168.2.1/24']]);
    await addVif(nbctl, 'ls1', 'client', '02:ac:10:ff:01:10 192.168.1.10');
    await addVif(nbctl, 'ls2', 'web1', '02:ac:10:ff:02:11 192.168.2.11');
    await addVif(nbctl, 'ls2', 'web2', '02:ac:10:ff:02:12 192.168.2.12');
    await nbctl('lb-add', 'lb1', '10.0.0.100:80', '192.168.2.11:80,192.168.2.12:80', 'tcp');
    await nbctl('ls-lb-add', 'ls1', 'lb1');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const client = await hv.addVm('client', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    const web1 = await hv.addVm('web1', '02:ac:10:ff:02:11', '192.168.2.11/24', '192.168.2.1');
    const web2 = await hv.addVm('web2', '02:ac:10:ff:02:12', '192.168.2.12/24', '192.168.2.1');
    await serve(sb, web1);
    await serve(sb, web2);
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    expect(ctl.desired().groups.length).toBeGreaterThan(0);

    // 10 requests must all succeed; a few more (bounded) if dp_hash happened to pick one backend for all of them.
    const seen = new Map<string, number>();
    for (let i = 0; i < 30 && (i < 10 || seen.size < 2); i++) {
      const r = await client.exec('curl', ['-s', '--max-time', '2', 'http://10.0.0.100/']);
      expect(r.code).toBe(0);
      seen.set(r.stdout, (seen.get(r.stdout) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['web1', 'web2']);
  });
});
