// Command-line options of ovnts-northd: ovn-northd's, read as ovn-northd reads them (getopt_long;
// unknown options are reported and skipped), plus ovnts's own --no-incremental.
import path from 'node:path';
import {
  applyDaemonOption,
  DAEMON_OPTION_DEFS,
  daemonUsage,
  getoptLong,
  newDaemonConfig,
  runDir,
  type DaemonConfig,
  type OptionDef,
} from '@ovnts/daemon';

/** The real daemon's name: ovnts-northd's pidfile, log and control socket are ovn-northd.*. */
export const PROGRAM = 'ovn-northd';

/** OVN's limit on --n-threads and parallel-build/set-n-threads. */
export const MAX_THREADS = 256;

export interface NorthdCliOptions {
  readonly daemon: DaemonConfig;
  readonly nbRemote: string;
  readonly sbRemote: string;
  /** Parallel build threads as asked for (ovnts computes on one thread; the value is reported back). */
  readonly nThreads: number;
  /** Start paused (--dry-run, as ovn-northd): connected and reading, writing nothing, not taking the lock. */
  readonly paused: boolean;
  readonly noIncremental: boolean;
  /** Messages for the log once it is open ("Using 4 threads", bad --n-threads values), as [level, text]. */
  readonly notes: readonly (readonly ['info' | 'warn', string])[];
  /** getopt's complaints, for stderr. */
  readonly errors: readonly string[];
}

const NORTHD_OPTION_DEFS: readonly OptionDef[] = [
  { name: 'ovnsb-db', arg: 'required', short: 'd' },
  { name: 'ovnnb-db', arg: 'required', short: 'D' },
  { name: 'dry-run', arg: 'none' },
  { name: 'n-threads', arg: 'required' },
  { name: 'no-incremental', arg: 'none' },
  ...DAEMON_OPTION_DEFS,
];

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): NorthdCliOptions {
  const daemon = newDaemonConfig(PROGRAM);
  const rundir = runDir(env);
  let nbRemote = env['OVN_NB_DB'] || `unix:${path.join(rundir, 'ovnnb_db.sock')}`;
  let sbRemote = env['OVN_SB_DB'] || `unix:${path.join(rundir, 'ovnsb_db.sock')}`;
  let nThreads = 1;
  let paused = false;
  let noIncremental = false;
  const notes: [level: 'info' | 'warn', text: string][] = [];
  const parsed = getoptLong(argv, NORTHD_OPTION_DEFS);
  for (const o of parsed.options) {
    switch (o.name) {
      case 'ovnnb-db':
        if (o.value) nbRemote = o.value;
        break;
      case 'ovnsb-db':
        if (o.value) sbRemote = o.value;
        break;
      case 'dry-run':
        paused = true;
        break;
      case 'no-incremental':
        noIncremental = true;
        break;
      case 'n-threads': {
        // strtoul: leading digits, anything else is 0.
        const raw = o.value ?? '';
        const n = /^\s*\d+/.test(raw) ? Number.parseInt(raw, 10) : 0;
        nThreads = Math.min(Math.max(n, 1), MAX_THREADS);
        if (nThreads !== n)
          notes.push(['warn', `Setting n_threads to ${nThreads} as --n-threads option was set to : [${raw}]`]);
        if (nThreads !== 1) notes.push(['info', `Using ${nThreads} threads`]);
        break;
      }
      default:
        applyDaemonOption(daemon, o, env);
    }
  }
  return { daemon, nbRemote, sbRemote, nThreads, paused, noIncremental, notes, errors: parsed.errors };
}

export function usage(env: NodeJS.ProcessEnv): string {
  const rundir = runDir(env);
  return `ovnts-northd: compiles the OVN northbound database into the southbound one (drop-in for ovn-northd 23.03)
usage: ovnts-northd [OPTIONS]

Options:
  --ovnnb-db=DATABASE       northbound database remote(s), comma-separated
                            (default: $OVN_NB_DB or unix:${rundir}/ovnnb_db.sock)
  --ovnsb-db=DATABASE       southbound database remote(s), comma-separated
                            (default: $OVN_SB_DB or unix:${rundir}/ovnsb_db.sock)
  --dry-run                 begin paused: connected and reading, writing nothing (see "resume")
  --n-threads=N             thread count as ovn-northd takes it (reported; ovnts computes on one)
  --no-incremental          recompute everything on every change (ovnts; for comparisons)
  -h, --help                this text
  -o, --options             every long option, one a line
  -V, --version             versions
${daemonUsage(PROGRAM, env)}`;
}

/** `--options`: every long option, as ovn-northd lists them. */
export function optionList(): string {
  return NORTHD_OPTION_DEFS.map(
    (d) => `--${d.name}${d.arg === 'required' ? '=arg' : d.arg === 'optional' ? '[=arg]' : ''}\n`,
  ).join('');
}
