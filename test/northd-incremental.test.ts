// ovnts-northd handles single NB changes incrementally against real servers: the SB follows (checked
// against the real ovn-sbctl), the rounds are not full recomputes, and the real ovs-appctl reads the
// engine's node graph and counters from the control socket (inc-engine/show-stats).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

describe('incremental ovnts-northd', () => {
  const sandbox = useSandbox();

  it('applies port, ACL and load balancer changes incrementally and reports its engine over unixctl', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    // JSON log lines (--log-format=json): the rounds' statistics are read back from them.
    const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, { extraArgs: ['--log-format=json'] });
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=20', ...a]);
    await nbctl('ls-add', 'ls1');
    await nbctl('--wait=sb', 'lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:00:00:00:00:01 10.0.0.1');

    await nbctl('--wait=sb', 'lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:00:00:00:00:02 10.0.0.2');
    expect(await sbctl('--bare', '--columns=logical_port', 'find', 'Port_Binding', 'logical_port=vm2')).toContain(
      'vm2',
    );
    expect(await sbctl('lflow-list')).toContain('arp.tpa == 10.0.0.2');

    await nbctl('pg-add', 'pg1', 'vm2');
    await nbctl('--wait=sb', 'acl-add', 'pg1', 'to-lport', '1001', 'outport == @pg1 && tcp.dst == 22', 'drop');
    expect(await sbctl('lflow-list')).toContain('outport == @pg1 && tcp.dst == 22');
    await nbctl('--wait=sb', 'lb-add', 'lb1', '10.0.0.100:80', '10.0.0.1:8080', 'tcp', '--', 'ls-lb-add', 'ls1', 'lb1');
    await nbctl('--wait=sb', 'set', 'Load_Balancer', 'lb1', 'vips:"10.0.0.100:80"="10.0.0.1:8080,10.0.0.2:8080"');
    expect(await sbctl('lflow-list')).toContain('ct_lb_mark(backends=10.0.0.1:8080,10.0.0.2:8080)');
    await nbctl('--wait=sb', 'lsp-del', 'vm1');
    expect(await sbctl('--bare', '--columns=logical_port', 'find', 'Port_Binding', 'logical_port=vm1')).toBe('');

    // After the start-up rounds, every change was handled by the change handlers.
    const rounds = readFileSync(northd.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"SB updated"'))
      .map((l) => JSON.parse(l) as { full: boolean; nbCfg: number });
    expect(rounds.filter((r) => r.nbCfg >= 2).every((r) => !r.full)).toBe(true);

    const ctl = readdirSync(sb.dir).find((f) => /^ovn-northd\.\d+\.ctl$/.test(f));
    expect(ctl).toBeDefined();
    const stats = await sb.runOk('ovs-appctl', ['-t', path.join(sb.dir, ctl!), 'inc-engine/show-stats']);
    expect(stats).toContain('Node: switches');
    expect(stats).toMatch(/- compute: +[1-9]/);
    expect(await sb.runOk('ovs-appctl', ['-t', path.join(sb.dir, ctl!), 'status'])).toContain('active');
  });
});
