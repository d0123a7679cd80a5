// ovnts-northd as a daemon against private ovsdb-servers: the --wait=sb handshake, minimal SB writes,
// stable keys across restarts and unrelated changes, bad NB rows logged by name, HA through the SB lock.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor, type Sandbox, routerPortArgs } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

interface SbRow {
  _uuid: string;
  [k: string]: unknown;
}

async function sbRows(sb: Sandbox, remote: string, table: string, columns: string[]): Promise<SbRow[]> {
  const out = await sb.runOk('ovn-sbctl', [
    `--db=${remote}`,
    '-f',
    'json',
    `--columns=_uuid,${columns.join(',')}`,
    'list',
    table,
  ]);
  const j = JSON.parse(out) as { headings: string[]; data: unknown[][] };
  return j.data.map((r) => {
    const row: Record<string, unknown> = {};
    j.headings.forEach((h, i) => {
      const v = r[i];
      row[h] =
        Array.isArray(v) && v[0] === 'uuid'
          ? v[1]
          : Array.isArray(v) && v[0] === 'map'
            ? Object.fromEntries(v[1] as [string, string][])
            : v;
    });
    return row as SbRow;
  });
}

/** logical port → tunnel key, datapath name → tunnel key, and the set of Logical_Flow UUIDs. */
async function sbState(sb: Sandbox, remote: string) {
  const dps = await sbRows(sb, remote, 'Datapath_Binding', ['tunnel_key', 'external_ids']);
  const pbs = await sbRows(sb, remote, 'Port_Binding', ['logical_port', 'tunnel_key', 'datapath']);
  const flows = await sbRows(sb, remote, 'Logical_Flow', []);
  return {
    dpKeys: new Map(
      dps.map((d) => [(d['external_ids'] as Record<string, string>)['name']!, d['tunnel_key'] as number]),
    ),
    portKeys: new Map(pbs.map((p) => [p['logical_port'] as string, p['tunnel_key'] as number])),
    flowUuids: new Set(flows.map((f) => f._uuid)),
    dpCount: dps.length,
    pbCount: pbs.length,
  };
}

const topology = [
  ['ls-add', 'ls1'],
  ['ls-add', 'ls2'],
  ['lr-add', 'lr1'],
  ['lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10'],
  ['lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11'],
  ['lsp-add', 'ls2', 'vm3', '--', 'lsp-set-addresses', 'vm3', '02:ac:10:ff:01:33 192.168.200.10'],
  ['lrp-add', 'lr1', 'lr1-ls1', '02:ac:10:ff:00:01', '192.168.100.1/24'],
  ['lrp-add', 'lr1', 'lr1-ls2', '02:ac:10:ff:01:01', '192.168.200.1/24'],
  routerPortArgs('ls1', 'ls1-lr1', 'lr1-ls1'),
  routerPortArgs('ls2', 'ls2-lr1', 'lr1-ls2'),
];

describe('ovnts-northd daemon', () => {
  const sandbox = useSandbox();

  it('answers --wait=sb, writes only differences, keeps keys across restarts and unrelated changes', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=10', ...a]);
    let northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    for (const args of topology) await nbctl(...args);
    await nbctl('--wait=sb', 'sync');
    const s1 = await sbState(sb, sbdb.remotes.unix);
    expect(s1.dpCount).toBe(3);
    expect(s1.pbCount).toBe(7);
    expect([...s1.portKeys.values()].every((k) => k >= 1 && k <= 32767)).toBe(true);
    const nbGlobal = await nbctl('get', 'NB_Global', '.', 'options');
    expect(nbGlobal).toMatch(/mac_prefix=.*svc_monitor_mac=/);

    // A bare handshake (nb_cfg bump only) is answered without a recompute.
    const recomputes = async () => (await northd.log()).match(/SB updated|SB unchanged after recompute/g)?.length ?? 0;
    const rounds = await recomputes();
    await nbctl('--wait=sb', 'sync');
    await nbctl('--wait=sb', 'sync');
    expect(await recomputes()).toBe(rounds);

    // One more port: the old flows stay (same rows), only a handful are added.
    await nbctl(
      '--wait=sb',
      'lsp-add',
      'ls2',
      'vm4',
      '--',
      'lsp-set-addresses',
      'vm4',
      '02:ac:10:ff:01:44 192.168.200.11',
    );
    const s2 = await sbState(sb, sbdb.remotes.unix);
    const kept = [...s1.flowUuids].filter((u) => s2.flowUuids.has(u)).length;
    expect(kept).toBe(s1.flowUuids.size);
    expect(s2.flowUuids.size - s1.flowUuids.size).toBeLessThan(10);
    expect(s2.portKeys.get('vm4')).toBeDefined();

    // Restart, then an unrelated change: keys and existing flow rows are unchanged.
    await northd.stop();
    expect(existsSync(sb.file('ovnts-northd.pid'))).toBe(false);
    expect(await northd.log()).toMatch(/\|fatal_signal\|WARN\|terminating with signal 15 \(Terminated\)$/m);
    northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, { name: 'ovnts-northd-2' });
    await nbctl(
      '--wait=sb',
      'ls-add',
      'aaa',
      '--',
      'lsp-add',
      'aaa',
      'x1',
      '--',
      'lsp-set-addresses',
      'x1',
      '02:00:00:00:00:01 10.9.9.9',
    );
    const s3 = await sbState(sb, sbdb.remotes.unix);
    for (const [p, k] of s2.portKeys) expect(s3.portKeys.get(p)).toBe(k);
    for (const [d, k] of s2.dpKeys) expect(s3.dpKeys.get(d)).toBe(k);
    expect([...s2.flowUuids].every((u) => s3.flowUuids.has(u))).toBe(true);

    // Bad NB content is logged with the row's name; the rest still compiles.
    await nbctl(
      '--wait=sb',
      'lsp-add',
      'ls1',
      'bad1',
      '--',
      'set',
      'Logical_Switch_Port',
      'bad1',
      'addresses="zz:zz 192.168.100.99"',
    );
    await nbctl(
      '--wait=sb',
      'lsp-add',
      'ls1',
      'vm5',
      '--',
      'lsp-set-addresses',
      'vm5',
      '02:ac:10:ff:00:55 192.168.100.55',
    );
    expect(await northd.log()).toMatch(/Logical_Switch_Port \\?"bad1\\?": invalid syntax/);
    const flows = await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'lflow-list', 'ls1']);
    expect(flows).toContain('eth.dst == 02:ac:10:ff:00:55');
  });

  it('--dry-run starts paused, as ovn-northd: nothing written until resume; stopwatch/show times the rounds', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, { extraArgs: ['--dry-run'] });
    // The control socket is ovn-northd.PID.ctl in $OVN_RUNDIR, as ovn-northd names it.
    const appctl = (...a: string[]) => sb.runOk('ovn-appctl', ['-t', sb.file(`ovn-northd.${northd.pid}.ctl`), ...a]);
    await waitFor(
      'control socket',
      async () => (await appctl('status').catch(() => '')) === 'Status: paused\n',
      15_000,
    );
    for (const args of topology) await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...args]);
    await new Promise((r) => setTimeout(r, 1000));
    const s = await sbState(sb, sbdb.remotes.unix);
    expect([s.dpCount, s.pbCount, s.flowUuids.size]).toEqual([0, 0, 0]);
    await appctl('resume');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', '--wait=sb', 'sync']);
    expect(await appctl('status')).toBe('Status: active\n');
    expect((await sbState(sb, sbdb.remotes.unix)).dpCount).toBe(3);
    // The rounds are timed under ovn-northd's stopwatch names, in OVS's words (OVN's perf tests parse them).
    expect(await appctl('stopwatch/show', 'ovn-northd-loop')).toMatch(
      /^Statistics for 'ovn-northd-loop'\n {2}Total samples: [1-9]\d*\n {2}Maximum: \d+ msec\n {2}Minimum: \d+ msec\n {2}95th percentile: \d+\.\d{6} msec\n {2}Short term average: \d+\.\d{6} msec\n {2}Long term average: \d+\.\d{6} msec\n$/,
    );
    expect(await appctl('stopwatch/show')).toMatch(/Statistics for 'ovnnb_db_run'\n {2}Total samples: [1-9]/);
    await appctl('stopwatch/reset');
    expect(await appctl('stopwatch/show', 'ovnsb_db_run')).toMatch(/Total samples: 0\n/);
  }, 120_000); // a daemon from source and a dozen tool calls: over 60 s on a loaded machine

  it('runs one active instance under the SB lock; the standby takes over within 5 s', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=10', ...a]);
    const a = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, { name: 'northd-a' });
    await nbctl('--wait=sb', 'sync');
    const b = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix, { name: 'northd-b' });
    await waitFor('standby to connect', async () => /standing by/.test(await b.log()), 15_000);
    for (const args of topology) await nbctl(...args);
    await nbctl('--wait=sb', 'sync');
    expect(await b.log()).not.toMatch(/SB updated/);
    const before = await sbState(sb, sbdb.remotes.unix);

    await a.kill();
    const t0 = Date.now();
    await nbctl(
      '--wait=sb',
      'lsp-add',
      'ls1',
      'vm9',
      '--',
      'lsp-set-addresses',
      'vm9',
      '02:ac:10:ff:00:99 192.168.100.99',
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await b.log()).toMatch(/ovn-northd lock acquired\. This ovn-northd instance is now active\./);
    const after = await sbState(sb, sbdb.remotes.unix);
    for (const [p, k] of before.portKeys) expect(after.portKeys.get(p)).toBe(k);
    expect([...before.flowUuids].every((u) => after.flowUuids.has(u))).toBe(true);
    expect(after.portKeys.get('vm9')).toBeDefined();
  });
});
