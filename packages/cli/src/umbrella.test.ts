import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOvnts, UMBRELLA_USAGE } from './umbrella.js';

// Two ports of one switch in the dump format of `ovs-ofctl -O OpenFlow15 dump-flows`.
const DUMP = `OFPST_FLOW reply (OF1.5) (xid=0x2):
 cookie=0x1, duration=1.0s, table=0, n_packets=0, n_bytes=0, priority=100,in_port=1 actions=set_field:0x1->reg13,set_field:0x1->metadata,set_field:0x1->reg14,resubmit(,8)
 cookie=0x2, duration=1.0s, table=0, n_packets=0, n_bytes=0, priority=100,in_port=2 actions=set_field:0x2->reg13,set_field:0x1->metadata,set_field:0x2->reg14,resubmit(,8)
 cookie=0x3, duration=1.0s, table=8, n_packets=0, n_bytes=0, priority=50,metadata=0x1 actions=resubmit(,9)
 cookie=0x4, duration=1.0s, table=9, n_packets=0, n_bytes=0, priority=0 actions=drop
`;

const dir = mkdtempSync(path.join(tmpdir(), 'ovnts-umbrella-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runOvnts(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: {} });
  return { code, stdout, stderr };
}

describe('ovnts (umbrella)', () => {
  it('offload-report reads a flow dump and reports for one profile', async () => {
    const file = path.join(dir, 'flows.txt');
    writeFileSync(file, DUMP);
    const r = await run(['offload-report', '--flows', file, '--profile', 'tc-flower']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tc-flower/);
    expect(r.stdout).toMatch(/Summary:\n\s+tc-flower: \d+ offloadable/);
    expect(r.stdout).not.toMatch(/mlx5-cx5/); // only the profile asked for
  });

  it('offload-report: an unknown profile is a usage error (exit 2, usage on stderr)', async () => {
    const r = await run(['offload-report', '--flows', path.join(dir, 'flows.txt'), '--profile', 'no-such-nic']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ovnts offload-report: unknown NIC profile "no-such-nic" \(known: tc-flower/);
    expect(r.stderr).toMatch(/usage: ovnts offload-report/);
  });

  it('offload-report: an unreadable dump exits 1', async () => {
    const r = await run(['offload-report', '--flows', path.join(dir, 'missing.txt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*missing\.txt/);
  });

  it('help, and unknown commands', async () => {
    expect(await run(['help'])).toEqual({ code: 0, stdout: UMBRELLA_USAGE, stderr: '' });
    expect(await run([])).toEqual({ code: 0, stdout: UMBRELLA_USAGE, stderr: '' });
    expect(UMBRELLA_USAGE).toMatch(/ovnts-northd .*ovn-northd/);
    expect(UMBRELLA_USAGE).toMatch(/ovnts-controller .*ovn-controller/);
    expect(await run(['--version'])).toEqual({ code: 0, stdout: 'ovnts 0.1.0 (OVN 23.03.1)\n', stderr: '' });
    expect(await run(['frobnicate'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `ovnts: unknown command 'frobnicate'; use "ovnts help"\n`,
    });
  });

  it('nbctl runs ovnts-nbctl in-process under the name "ovnts nbctl"', async () => {
    const r = await run(['nbctl', '--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ovnts nbctl \(ovnts [\d.]+\) 23\.03\.1\n/);
  });
});
