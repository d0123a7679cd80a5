// `ovnts offload-report`: read flows (a live bridge through ovs-ofctl, or a dump file), optional SB and
// Open_vSwitch context, run the pass, print a table or JSON. Exit 0 on a report, 1 on bad input or a
// failing tool, 2 on usage errors (incl. an unknown profile), 3 when an environment check reports an error
// (the report is still printed; the reasons go to stderr).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parseDump, type FlowDump } from './dump.js';
import { ovsContextFromRows, type OvsContext } from './env.js';
import { OffloadError } from './errors.js';
import { formatReportHtml } from './html.js';
import { getProfile, PROFILE_IDS } from './profiles.js';
import { analyze, formatReportJson, formatReportTable, verdictDelta, type OffloadReport } from './report.js';
import { decodeListJson, normaliseRow, SB_TABLES, sbContextFromJson, type SbContext } from './sb.js';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface OffloadIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile?(path: string): Promise<string>;
  /** Runs a tool (ovs-ofctl, ovn-sbctl, ovs-vsctl); injectable for tests. */
  exec?(cmd: string, args: readonly string[]): Promise<ExecResult>;
}

export const USAGE = `usage: ovnts offload-report [--profile P]... [--format table|json|html]
         (--bridge <mgmt-socket> --sb <remote> [--ovs-db <remote>] | --flows <dump-file> [--sb-json <file>]
          | --nb <remote|nb-dump.json> --chassis NAME [--bind PORT=CHASSIS]... [--bridge-mappings NET:BR,...]
            [--set TABLE:NAME:COLUMN[:KEY]=VALUE]...)
  --profile P   ${PROFILE_IDS.join(', ')} (aliases: cx7, bf2, bf3, dpdk…); default: all
  --bridge      br-int's OpenFlow management socket (unix:/var/run/openvswitch/br-int.mgmt)
  --sb          OVN southbound remote, read with ovn-sbctl
  --ovs-db      Open_vSwitch DB remote for the environment checks (hw-offload, tc-policy, bonds, encap);
                exit status 3 when one reports an error (reasons on stderr)
  --flows       'ovs-ofctl -O OpenFlow15 dump-flows' output (may include 'dump-groups' output)
  --sb-json     {"Port_Binding": <ovn-sbctl -f json list Port_Binding>, "Datapath_Binding": …, …}
  --nb          what-if before deployment, without any OVS: the NB (a remote, read with ovsdb-client, or
                'ovsdb-client -f json dump <remote> OVN_Northbound' output) compiled to the SB and to the
                tables of --chassis; VIFs live where --bind or their options:requested-chassis say
  --bridge-mappings  the chassis's ovn-bridge-mappings (localnet ports of mapped networks get a patch port)
  --set         a what-if NB change (e.g. Load_Balancer:lb1:selection_fields=ip_src,ip_dst or
                Logical_Router_Port:lr1-pub:options:gateway_mtu= to remove it): the report is for the changed NB,
                followed by the verdicts that change
`;

/** Exit status when the local Open_vSwitch configuration keeps the profile from offloading anything. */
export const EXIT_ENVIRONMENT = 3;

class UsageError extends Error {}

interface Options {
  profiles: string[];
  format: 'table' | 'json' | 'html';
  bridge?: string;
  sb?: string;
  ovsDb?: string;
  flows?: string;
  sbJson?: string;
  nb?: string;
  chassis?: string;
  bind: Record<string, string>;
  bridgeMappings: Record<string, string>;
  sets: string[];
}

function parseArgv(argv: readonly string[]): Options | 'help' {
  const o: Options = { profiles: [], format: 'table', bind: {}, bridgeMappings: {}, sets: [] };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    if (raw === '-h' || raw === '--help') return 'help';
    const eq = raw.indexOf('=');
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--profile':
        o.profiles.push(...value().split(','));
        break;
      case '--format': {
        const f = value();
        if (f !== 'table' && f !== 'json' && f !== 'html')
          throw new UsageError(`--format must be table, json or html, not "${f}"`);
        o.format = f;
        break;
      }
      case '--bridge':
        o.bridge = value();
        break;
      case '--sb':
        o.sb = value();
        break;
      case '--ovs-db':
        o.ovsDb = value();
        break;
      case '--flows':
        o.flows = value();
        break;
      case '--sb-json':
        o.sbJson = value();
        break;
      case '--nb':
        o.nb = value();
        break;
      case '--chassis':
        o.chassis = value();
        break;
      case '--bind': {
        const v = value();
        const m = /^([^=]+)=(.+)$/.exec(v);
        if (!m) throw new UsageError(`--bind takes PORT=CHASSIS, not "${v}"`);
        o.bind[m[1]!] = m[2]!;
        break;
      }
      case '--set':
        o.sets.push(value());
        break;
      case '--bridge-mappings':
        for (const pair of value().split(',').filter(Boolean)) {
          const [net, br] = pair.split(':');
          if (!net || !br) throw new UsageError(`--bridge-mappings takes NET:BRIDGE[,…], not "${pair}"`);
          o.bridgeMappings[net.trim()] = br.trim();
        }
        break;
      default:
        throw new UsageError(`unknown option ${raw}`);
    }
  }
  if ([o.bridge, o.flows, o.nb].filter(Boolean).length !== 1)
    throw new UsageError('give one of --bridge (with --sb), --flows or --nb (with --chassis)');
  if (o.nb && !o.chassis) throw new UsageError('--nb needs --chassis');
  if (!o.nb && (o.chassis || Object.keys(o.bind).length || Object.keys(o.bridgeMappings).length || o.sets.length))
    throw new UsageError('--chassis, --bind, --bridge-mappings and --set go with --nb');
  if (o.nb && (o.sb || o.sbJson || o.ovsDb))
    throw new UsageError('--nb computes the SB itself: no --sb, --sb-json or --ovs-db');
  if (o.bridge && !o.sb) throw new UsageError('--bridge needs --sb');
  if (o.flows && o.sb) throw new UsageError('--sb goes with --bridge; use --sb-json with --flows');
  return o;
}

const defaultExec = (cmd: string, args: readonly string[]): Promise<ExecResult> =>
  new Promise((resolve) => {
    execFile(cmd, [...args], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({
        code,
        stdout: String(stdout),
        stderr: err && code === 127 && !stderr ? `${cmd}: ${err.message}` : String(stderr),
      });
    });
  });

async function tool(io: OffloadIo, cmd: string, args: readonly string[]): Promise<string> {
  const r = await (io.exec ?? defaultExec)(cmd, args);
  if (r.code !== 0) throw new OffloadError('io', `${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

async function readText(io: OffloadIo, path: string): Promise<string> {
  try {
    return await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(path);
  } catch (e) {
    throw new OffloadError('io', `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function liveDump(io: OffloadIo, mgmt: string): Promise<FlowDump> {
  const flows = await tool(io, 'ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', mgmt]);
  const groups = await tool(io, 'ovs-ofctl', ['-O', 'OpenFlow15', 'dump-groups', mgmt]);
  return parseDump(`${flows}\n${groups}`, `dump of ${mgmt}`);
}

/** Tables the report cannot do without; the others only add names and classes (older schemas lack some). */
const REQUIRED_SB = new Set(['Port_Binding', 'Datapath_Binding']);

async function liveSb(io: OffloadIo, remote: string): Promise<SbContext> {
  const doc: Record<string, unknown> = {};
  for (const table of Object.keys(SB_TABLES)) {
    try {
      doc[table] = JSON.parse(await tool(io, 'ovn-sbctl', [`--db=${remote}`, '-f', 'json', 'list', table])) as unknown;
    } catch (e) {
      if (REQUIRED_SB.has(table)) throw e;
    }
  }
  return sbContextFromJson(JSON.stringify(doc));
}

async function liveOvs(io: OffloadIo, remote: string): Promise<OvsContext> {
  const list = async (t: string) =>
    decodeListJson(await tool(io, 'ovs-vsctl', [`--db=${remote}`, '-f', 'json', 'list', t]), t).map(normaliseRow);
  const [ovs] = await list('Open_vSwitch');
  if (!ovs) throw new OffloadError('bad-input', `${remote}: no Open_vSwitch row`);
  return ovsContextFromRows({
    openVswitch: ovs,
    bridges: await list('Bridge'),
    ports: await list('Port'),
    interfaces: await list('Interface'),
  });
}

const REMOTE = /^(unix|tcp|ssl|punix|ptcp):/;

/** What-if: NB (remote or dump file) → SB → the chassis's tables → report. Loaded only when asked for. */
async function whatIfReport(
  io: OffloadIo,
  opts: Options,
): Promise<{ report: OffloadReport; delta?: readonly string[] }> {
  const { nbFromDump, parseNbSet, whatIf } = await import('./whatif.js');
  const text = REMOTE.test(opts.nb!)
    ? await tool(io, 'ovsdb-client', ['-f', 'json', 'dump', opts.nb!, 'OVN_Northbound'])
    : await readText(io, opts.nb!);
  const sets = opts.sets.map(parseNbSet);
  const run = (changes: typeof sets, warn: boolean) => {
    const w = whatIf({
      ...nbFromDump(text, changes),
      chassis: opts.chassis!,
      bindings: opts.bind,
      bridgeMappings: opts.bridgeMappings,
    });
    if (warn) for (const m of w.warnings) io.stderr(`ovnts offload-report: what-if: ${m}\n`);
    return analyze({ dump: w.dump, sb: w.sb, profiles: opts.profiles });
  };
  const report = run(sets, true);
  return sets.length > 0 ? { report, delta: verdictDelta(run([], false), report) } : { report };
}

/** The `ovnts offload-report` command. Returns the exit status. */
export async function runOffloadReport(argv: readonly string[], io: OffloadIo): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parseArgv(argv);
    if (opts !== 'help') for (const p of opts.profiles) getProfile(p);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof OffloadError && e.code === 'unknown-profile')) {
      io.stderr(`ovnts offload-report: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  try {
    if (opts.nb) {
      const { report, delta } = await whatIfReport(io, opts);
      if (opts.format === 'json') io.stdout(formatReportJson(delta ? { ...report, delta } : report));
      else if (opts.format === 'html') io.stdout(formatReportHtml(report));
      else {
        io.stdout(formatReportTable(report));
        if (delta)
          io.stdout(
            `\nWhat-if delta (${opts.sets.join(' ')}): ${delta.length} verdict${delta.length === 1 ? '' : 's'} change\n${delta.map((d) => `  ${d}\n`).join('')}`,
          );
      }
      return 0;
    }
    const dump = opts.flows ? parseDump(await readText(io, opts.flows), opts.flows) : await liveDump(io, opts.bridge!);
    const sb = opts.sbJson
      ? sbContextFromJson(await readText(io, opts.sbJson))
      : opts.sb
        ? await liveSb(io, opts.sb)
        : undefined;
    const ovs = opts.ovsDb ? await liveOvs(io, opts.ovsDb) : undefined;
    const report = analyze({ dump, ...(sb ? { sb } : {}), ...(ovs ? { ovs } : {}), profiles: opts.profiles });
    io.stdout(
      opts.format === 'json'
        ? formatReportJson(report)
        : opts.format === 'html'
          ? formatReportHtml(report)
          : formatReportTable(report),
    );
    const errors = report.environment.flatMap((e) =>
      e.findings.filter((f) => f.severity === 'error').map((f) => `${e.profile}: ${f.check}: ${f.message}`),
    );
    if (errors.length > 0) {
      io.stderr(errors.map((m) => `ovnts offload-report: environment error: ${m}\n`).join(''));
      return EXIT_ENVIRONMENT;
    }
    return 0;
  } catch (e) {
    if (e instanceof OffloadError) {
      io.stderr(`ovnts offload-report: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
