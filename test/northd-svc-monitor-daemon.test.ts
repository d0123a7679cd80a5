// ovnts-northd with load balancer health checks against real servers and the real tools: it writes the
// Service_Monitor rows, takes ovn-controller's verdicts (written here with ovn-sbctl) in incremental
// rounds, leaves offline backends out of ct_lb, and turns an online monitor offline when its port's
// binding goes down, as ovn-northd does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

async function until(what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ovnts-northd health checks', () => {
  const sandbox = useSandbox();

  it(
    'Service_Monitor rows, verdicts taken incrementally, offline when the binding is down',
    { timeout: 180_000 },
    async () => {
      const sb = sandbox();
      const { nb, sb: sbdb } = await sb.startCentral();
      const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, {
        extraArgs: ['--log-format=json'],
      });
      const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
      const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=20', ...a]);
      // A chassis without ct-no-masked-label turns ct_lb_mark into ct_lb (chassis-features.ts): either will do.
      const lbAction = async () =>
        /match=\(ct\.new && ip4\.dst == 10\.0\.0\.10 && tcp\.dst == 80\), action=\(([^)]*\)?;?)\)/
          .exec(await sbctl('lflow-list', 'sw0'))?.[1]
          ?.replace('ct_lb_mark(', 'ct_lb(');
      const rounds = () =>
        readFileSync(northd.logFile, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"SB updated"'))
          .map((l) => JSON.parse(l) as { full: boolean; reason: string });

      await nbctl('ls-add', 'sw0');
      for (const [p, ip] of [
        ['sw0-p1', '10.0.0.3'],
        ['sw0-p2', '10.0.0.4'],
      ] as const)
        await nbctl('lsp-add', 'sw0', p, '--', 'lsp-set-addresses', p, `02:00:00:00:00:0${ip.slice(-1)} ${ip}`);
      await nbctl('lb-add', 'lb1', '10.0.0.10:80', '10.0.0.3:80,10.0.0.4:80', '--', 'ls-lb-add', 'sw0', 'lb1');
      await nbctl('set', 'load_balancer', 'lb1', 'ip_port_mappings:10.0.0.3=sw0-p1:10.0.0.2');
      await nbctl('set', 'load_balancer', 'lb1', 'ip_port_mappings:10.0.0.4=sw0-p2:10.0.0.2');
      await nbctl(
        '--wait=sb',
        '--',
        '--id=@hc',
        'create',
        'Load_Balancer_Health_Check',
        'vip="10.0.0.10:80"',
        '--',
        'add',
        'Load_Balancer',
        'lb1',
        'health_check',
        '@hc',
      );
      expect(
        (await sbctl('--bare', '--columns=logical_port', 'find', 'Service_Monitor')).trim().split(/\s+/).sort(),
      ).toEqual(['sw0-p1', 'sw0-p2']);
      const mac = (await nbctl('get', 'NB_Global', '.', 'options:svc_monitor_mac')).trim().replace(/"/g, '');
      expect(
        (await sbctl('--bare', '--columns=src_mac', 'find', 'Service_Monitor', 'logical_port=sw0-p1')).trim(),
      ).toBe(mac);
      expect(await lbAction()).toBe('reg0[1] = 0; ct_lb(backends=10.0.0.3:80,10.0.0.4:80);');
      await sbctl('chassis-add', 'hv1', 'geneve', '127.0.0.1');
      await sbctl('lsp-bind', 'sw0-p1', 'hv1');
      await sbctl('lsp-bind', 'sw0-p2', 'hv1');
      await nbctl('--wait=sb', 'sync');

      // ovn-controller's verdicts.
      const before = rounds().length;
      await sbctl('set', 'service_monitor', 'sw0-p2', 'status=offline');
      await until('sw0-p2 left out', async () => (await lbAction()) === 'reg0[1] = 0; ct_lb(backends=10.0.0.3:80);');
      await sbctl('set', 'service_monitor', 'sw0-p2', 'status=online');
      await until('sw0-p2 back', async () => (await lbAction())?.includes('10.0.0.4:80') === true);
      const verdictRounds = rounds().slice(before);
      expect(verdictRounds.length).toBeGreaterThan(0);
      expect(verdictRounds.filter((r) => r.full)).toEqual([]);

      // An online monitor whose port's binding is down is set offline by northd.
      await sbctl('set', 'service_monitor', 'sw0-p1', 'status=online');
      await sbctl('set', 'port_binding', 'sw0-p1', 'up=false');
      await until('sw0-p1 offline', async () =>
        (await sbctl('--bare', '--columns=status', 'find', 'Service_Monitor', 'logical_port=sw0-p1')).includes(
          'offline',
        ),
      );
      await until('sw0-p1 left out', async () => (await lbAction()) === 'reg0[1] = 0; ct_lb(backends=10.0.0.4:80);');

      // Without the check, every backend again and no monitor.
      await nbctl('--wait=sb', 'clear', 'load_balancer', 'lb1', 'health_check');
      expect(await sbctl('--bare', '--columns=logical_port', 'find', 'Service_Monitor')).toBe('');
      expect(await lbAction()).toBe('reg0[1] = 0; ct_lb(backends=10.0.0.3:80,10.0.0.4:80);');
    },
  );
});
