// ovnts-controller runs the load balancers' health checks with real packets: a VIP with two backends in
// namespaces, each probed (TCP SYN from the svc_monitor_mac) on its chassis; when one backend's listener
// stops, the kernel's RST turns its Service_Monitor offline and northd leaves it out, so the VIP's traffic
// only reaches the other; when the listener is back, the SYN+ACK turns it online and both serve again.
// Under the real ovn-northd and under ovnts-northd.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Sandbox, type Vm, useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addRouterWithSwitches, addVif, startCentral } from './controller-fixtures.js';

/** An HTTP listener on port 80 of the VM answering its name; stop() ends it (the port then answers RST). */
async function listen(sb: Sandbox, vm: Vm): Promise<{ stop(): Promise<void> }> {
  const code = `require('http').createServer((q, s) => s.end(${JSON.stringify(vm.name)})).listen(80, '${vm.ip}', () => console.log('up'))`;
  const p = spawn('ip', ['netns', 'exec', vm.netns, process.execPath, '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    p.kill('SIGTERM');
    await once(p, 'exit');
  };
  sb.own({ stop });
  await once(p.stdout, 'data');
  return { stop };
}

const NORTHDS = [
  ['the real ovn-northd', undefined],
  ['ovnts-northd', (sb: Sandbox) => (n: string, s: string) => startOvntsNorthd(sb, n, s)],
] as const;

describe.each(NORTHDS)('ovnts-controller LB health checks under %s', (_name, northd) => {
  const sandbox = useSandbox();

  it(
    'a backend whose listener stops goes offline and gets no traffic; back, it is online again',
    { timeout: 240_000 },
    async () => {
      const sb = sandbox();
      const { sbdb, nbctl } = await startCentral(sb, northd?.(sb));
      const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
      await addRouterWithSwitches(nbctl, [['192.168.1.1/24'], ['192.168.2.1/24']]);
      await addVif(nbctl, 'ls1', 'client', '02:ac:10:ff:01:10 192.168.1.10');
      await addVif(nbctl, 'ls2', 'web1', '02:ac:10:ff:02:11 192.168.2.11');
      await addVif(nbctl, 'ls2', 'web2', '02:ac:10:ff:02:12 192.168.2.12');
      await nbctl('lb-add', 'lb1', '10.0.0.100:80', '192.168.2.11:80,192.168.2.12:80', 'tcp');
      await nbctl('ls-lb-add', 'ls1', 'lb1');
      await nbctl('set', 'load_balancer', 'lb1', 'ip_port_mappings:192.168.2.11=web1:192.168.2.2');
      await nbctl('set', 'load_balancer', 'lb1', 'ip_port_mappings:192.168.2.12=web2:192.168.2.2');
      await nbctl(
        '--',
        '--id=@hc',
        'create',
        'Load_Balancer_Health_Check',
        'vip="10.0.0.100:80"',
        'options:interval=1',
        'options:timeout=1',
        'options:success_count=1',
        'options:failure_count=1',
        '--',
        'add',
        'Load_Balancer',
        'lb1',
        'health_check',
        '@hc',
      );

      const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
      sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
      const client = await hv.addVm('client', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
      const web1 = await hv.addVm('web1', '02:ac:10:ff:02:11', '192.168.2.11/24', '192.168.2.1');
      const web2 = await hv.addVm('web2', '02:ac:10:ff:02:12', '192.168.2.12/24', '192.168.2.1');
      let server1 = await listen(sb, web1);
      await listen(sb, web2);
      await nbctl('--timeout=30', '--wait=hv', 'sync');

      const status = async (port: string) =>
        sbctl('--bare', '--columns=status', 'find', 'Service_Monitor', `logical_port=${port}`);
      const until = (what: string, port: string, want: string) =>
        waitFor(`${what}: ${port} ${want}`, async () => (await status(port)) === want, 30_000);
      /** Which backends answer 12 requests to the VIP (each must be answered). */
      const served = async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 12; i++) {
          const r = await client.exec('curl', ['-s', '--max-time', '3', 'http://10.0.0.100/']);
          expect(r.code).toBe(0);
          seen.add(r.stdout);
        }
        return [...seen].sort();
      };

      await until('probed', 'web1', 'online');
      await until('probed', 'web2', 'online');
      // Both serve (a few more requests if the hash happened to pick one for all of them).
      let both = await served();
      for (let i = 0; i < 3 && both.length < 2; i++) both = [...new Set([...both, ...(await served())])].sort();
      expect(both).toEqual(['web1', 'web2']);

      await server1.stop();
      await until('listener stopped', 'web1', 'offline');
      expect(await status('web2')).toBe('online');
      await waitFor(
        'ct_lb without web1',
        async () => !(await sbctl('lflow-list', 'ls1')).includes('192.168.2.11:80'),
        30_000,
      );
      await nbctl('--timeout=30', '--wait=hv', 'sync');
      expect(await served()).toEqual(['web2']);

      server1 = await listen(sb, web1);
      await until('listener back', 'web1', 'online');
      await waitFor(
        'ct_lb with web1',
        async () => (await sbctl('lflow-list', 'ls1')).includes('192.168.2.11:80'),
        30_000,
      );
      await nbctl('--timeout=30', '--wait=hv', 'sync');
      both = await served();
      for (let i = 0; i < 3 && both.length < 2; i++) both = [...new Set([...both, ...(await served())])].sort();
      expect(both).toEqual(['web1', 'web2']);
    },
  );
});
