// Issue 24, failures in the middle of work: ovnts-nbctl processes run multi-command chains (one OVSDB
// transaction each) against a 3-member NB Raft cluster while its leader is SIGKILLed, twice. Every chain
// is wholly applied or not at all (never a switch without its ports, nor half of its settings), and a
// chain that fails says why in one `ovnts-nbctl: ...` line, not with a stack trace. A chain whose connection
// broke before the answer is run again on the new leader, as ovn-nbctl's IDL does (so a chain that did
// commit then fails with "already exists": still whole).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OvsdbClient } from 'ovsdb-client-ts';
import { useSandbox, waitFor } from '@ovnts/test-harness';

const root = path.resolve(import.meta.dirname, '..');
// dist/ directly (not the bundle npm run build makes): tsc -b below is all it needs to be current.
const BIN = path.join(root, 'packages/cli/dist/bin/ovnts-nbctl.js');
const WORKERS = 3;
const CHAINS = 14; // per worker

/** The members of an OVSDB wire set (a single atom stands for itself). */
const setOf = (v: unknown): unknown[] =>
  Array.isArray(v) && v[0] === 'set' ? (v[1] as unknown[]) : v === undefined ? [] : [v];

const chain = (i: number) => [
  'ls-add',
  `sw${i}`,
  '--',
  'lsp-add',
  `sw${i}`,
  `p${i}a`,
  '--',
  'lsp-add',
  `sw${i}`,
  `p${i}b`,
  '--',
  'lsp-set-addresses',
  `p${i}a`,
  `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')} 10.0.${i >> 8}.${i & 255}`,
  '--',
  'set',
  'Logical_Switch',
  `sw${i}`,
  `external_ids:chain=${i}`,
];

describe('NB Raft leader killed during ovnts-nbctl chains', () => {
  const sandbox = useSandbox();

  it('each chain is applied whole or not at all; failures are one clear line', async () => {
    // The binary runs from dist/: build the cli package (and what it references).
    execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: root, stdio: 'ignore' });
    const sb = sandbox();
    const cluster = await sb.startCluster('nb');
    const db = cluster.remotes.unix;
    await sb.runOk('ovn-nbctl', [`--db=${db}`, 'init']);

    let done = 0;
    const failures: { chain: number; code: number | null; stderr: string }[] = [];
    const worker = async (w: number) => {
      for (let k = 0; k < CHAINS; k++) {
        const i = w * CHAINS + k;
        const r = await sb.run(process.execPath, [BIN, `--db=${db}`, '--timeout=60', ...chain(i)], {
          timeoutMs: 90_000,
        });
        if (r.code !== 0) failures.push({ chain: i, code: r.code, stderr: r.stderr });
        done++;
      }
    };
    const workers = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    // Two leader kills while the chains run; the first victim is back before the second kill, so the
    // cluster keeps its majority.
    const killed: number[] = [];
    for (const at of [WORKERS * 2, WORKERS * 8]) {
      await waitFor(`${at} chains done`, () => done >= at, 120_000, 10);
      const leader = await cluster.leader(60_000);
      await cluster.members[leader]!.kill();
      killed.push(leader);
      await cluster.leader(60_000);
      await cluster.members[leader]!.restart();
    }
    await workers;

    // What is in the NB, read back in one transaction (wire rows) through the current leader.
    const reader = await OvsdbClient.connect(db, { inactivityProbeMs: 0, reconnect: false });
    const [lsRes, lspRes] = (await reader
      .transact('OVN_Northbound', [
        { op: 'select', table: 'Logical_Switch', where: [], columns: ['name', 'ports', 'external_ids'] },
        { op: 'select', table: 'Logical_Switch_Port', where: [], columns: ['_uuid', 'name', 'addresses'] },
      ])
      .finally(() => reader.close())) as { rows: Record<string, unknown>[] }[];
    const switches = new Map<string, { ports: string[]; chain: string }>();
    for (const r of lsRes!.rows)
      switches.set(String(r['name']), {
        ports: setOf(r['ports']).map((u) => String((u as [string, string])[1])),
        chain: JSON.stringify(r['external_ids']),
      });
    const portNames = new Map<string, string>();
    for (const r of lspRes!.rows)
      portNames.set((r['_uuid'] as [string, string])[1], `${String(r['name'])}|${setOf(r['addresses']).join(',')}`);

    const partial: string[] = [];
    let applied = 0;
    for (let i = 0; i < WORKERS * CHAINS; i++) {
      const sw = switches.get(`sw${i}`);
      if (!sw) continue;
      applied++;
      const ports = sw.ports.map((u) => portNames.get(u) ?? `?${u}`).sort();
      const want = [`p${i}a|${chain(i)[13]}`, `p${i}b|`];
      if (JSON.stringify(ports) !== JSON.stringify(want) || !sw.chain.includes(`["chain","${i}"]`))
        partial.push(`sw${i}: ports ${ports.join(' ')}; external_ids ${sw.chain}`);
    }
    const report = `killed leaders ${killed.join(', ')}; ${applied} chains applied; failed: ${failures.map((f) => `${f.chain} (${f.stderr.trim()})`).join('; ')}`;
    expect(partial, report).toEqual([]);
    // No port outside the chains' switches (the NB has only what whole chains wrote).
    expect(portNames.size, report).toBe(applied * 2);
    expect(switches.size, report).toBe(applied);
    // A chain whose command reported success is in; one that failed said why in one line, no stack trace.
    // (ovn-nbctl's IDL also logs a WARN line before the error; the last line is the error itself.)
    for (const f of failures) {
      expect(f.stderr, report).toMatch(/^ovnts-nbctl: [^\n]+\n$/m);
      expect(f.stderr, report).not.toMatch(/^\s+at |Error:/m);
      expect(f.code, report).toBe(1);
      // A broken connection is not an error of its own: the chain was run again.
      expect(f.stderr, report).not.toMatch(/socket error|lost|disconnected|closed/i);
    }
    expect(applied, report).toBeGreaterThanOrEqual(WORKERS * CHAINS - failures.length);
  }, 240_000);
});
