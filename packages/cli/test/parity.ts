// Parity checking of ovnts-nbctl against the real ovn-nbctl: the same command sequence runs through
// both, each against its own NB ovsdb-server (reset between cases), and every step's exit code,
// stdout and stderr are compared after normalizing UUIDs (numbered in order of appearance), the
// program name and log timestamps.
import { expect } from 'vitest';
import type { Sandbox, OvsdbServer } from '@ovnts/test-harness';
import { runNbctl } from '../src/nbctl/main.js';

export interface Step {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ParityCase {
  readonly name: string;
  /** Command lines (argv without the program name), run in order. */
  readonly steps: readonly (readonly string[])[];
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Normalize a whole case's outputs: UUIDs → <0>, <1>... in order of first appearance. */
export function normalize(steps: readonly Step[], program: string): Step[] {
  const ids = new Map<string, string>();
  const fix = (s: string) =>
    s
      .replace(UUID_RE, (u) => {
        if (!ids.has(u)) ids.set(u, `<${ids.size}>`);
        return ids.get(u)!;
      })
      .split(`${program}:`)
      .join('NBCTL:')
      .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|\d+\|/gm, 'TIME|N|')
      // HTML output shows the first 8 hex digits of UUIDs.
      .replace(/>[0-9a-f]{8}<\/a>/g, '>UUID8</a>');
  return steps.map((s) => ({ code: s.code, stdout: fix(s.stdout), stderr: fix(s.stderr) }));
}

/** Delete everything but NB_Global (non-root rows go with their referrers). */
async function reset(sb: Sandbox, db: OvsdbServer): Promise<void> {
  const tables = [
    'Logical_Switch',
    'Logical_Router',
    'Address_Set',
    'Port_Group',
    'Load_Balancer',
    'Load_Balancer_Group',
    'DHCP_Options',
    'Meter',
    'HA_Chassis_Group',
    'BFD',
    'Static_MAC_Binding',
    'Chassis_Template_Var',
    'Copp',
    'Mirror',
  ];
  const ops = tables.map((table) => ({ op: 'delete', table, where: [] }));
  ops.push({
    op: 'update',
    table: 'NB_Global',
    where: [],
    row: { connections: ['set', []], ssl: ['set', []] },
  } as never);
  const transact = (o: readonly object[]) =>
    sb.runOk('ovsdb-client', ['transact', db.remotes.unix, JSON.stringify(['OVN_Northbound', ...o])]);
  // ovsdb-client exits 0 even when the transaction fails. It does fail when a root row is still referenced
  // by a row that only this transaction orphans (NAT.allowed_ext_ips → Address_Set): the server checks
  // references before it collects orphans. Then delete table by table, so the referrers go first.
  for (let pass = 0; pass < 3; pass++) {
    const out = await transact(ops);
    if (!out.includes('"error"')) return;
    for (const op of ops) await transact([op]);
  }
  throw new Error(`parity reset of ${db.remotes.unix} keeps failing`);
}

export class ParityRunner {
  mismatches = 0;
  compared = 0;

  constructor(
    private readonly sb: Sandbox,
    private readonly real: OvsdbServer,
    private readonly ours: OvsdbServer,
  ) {}

  static async start(sb: Sandbox): Promise<ParityRunner> {
    const [real, ours] = await Promise.all([
      sb.startDb('nb', { name: 'nb-real' }),
      sb.startDb('nb', { name: 'nb-ours' }),
    ]);
    await Promise.all([real, ours].map((db) => sb.runOk('ovn-nbctl', [`--db=${db.remotes.unix}`, 'init'])));
    return new ParityRunner(sb, real, ours);
  }

  async runReal(argv: readonly string[]): Promise<Step> {
    const r = await this.sb.run('ovn-nbctl', [`--db=${this.real.remotes.unix}`, ...argv], { timeoutMs: 10_000 });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  async runOurs(argv: readonly string[]): Promise<Step> {
    let stdout = '';
    let stderr = '';
    const code = await runNbctl([`--db=${this.ours.remotes.unix}`, ...argv], {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      env: this.sb.env,
      programName: 'ovnts-nbctl',
    });
    return { code, stdout, stderr };
  }

  /** Run one case through both tools and assert equality step by step. */
  async check(c: ParityCase): Promise<void> {
    await Promise.all([reset(this.sb, this.real), reset(this.sb, this.ours)]);
    const real: Step[] = [];
    const ours: Step[] = [];
    for (const argv of c.steps) {
      real.push(await this.runReal(argv));
      ours.push(await this.runOurs(argv));
    }
    const a = normalize(real, 'ovn-nbctl');
    const b = normalize(ours, 'ovnts-nbctl');
    this.compared += c.steps.length;
    const rows = c.steps.map((argv, i) => ({ argv: argv.join(' '), ...b[i]! }));
    const want = c.steps.map((argv, i) => ({ argv: argv.join(' '), ...a[i]! }));
    if (JSON.stringify(rows) !== JSON.stringify(want)) this.mismatches++;
    expect(rows, c.name).toEqual(want);
  }
}
