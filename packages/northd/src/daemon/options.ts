// Command-line options of ovnts-northd, shaped like ovn-northd's.
import path from 'node:path';

export interface DaemonOptions {
  readonly nbRemote: string;
  readonly sbRemote: string;
  readonly logFile: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly pidfile: string | null;
  /** The control socket path. */
  readonly unixctl: string;
  readonly noIncremental: boolean;
  readonly detach: boolean;
  readonly dryRun: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `ovnts-northd: OVN northbound → southbound compiler (23.03 logical flow dialect)
usage: ovnts-northd [OPTIONS]
  --ovnnb-db=DATABASE   NB database remote(s) (default: $OVN_NB_DB or unix:$OVN_RUNDIR/ovnnb_db.sock)
  --ovnsb-db=DATABASE   SB database remote(s) (default: $OVN_SB_DB or unix:$OVN_RUNDIR/ovnsb_db.sock)
  --log-file[=FILE]     log to FILE (default: $OVN_LOGDIR/ovnts-northd.log)
  -v, --verbose[=SPEC]  more logging; SPEC like ovn-northd's (e.g. dbg, info, console:warn, off)
  --pidfile[=FILE]      write the process id to FILE (default: $OVN_RUNDIR/ovnts-northd.pid)
  --detach              run in the background once started
  --no-chdir            accepted for compatibility
  --dry-run             compute and log, write nothing
  --unixctl=SOCKET      control socket for ovs-appctl/ovn-appctl (default: $OVN_RUNDIR/ovnts-northd.PID.ctl)
  --no-incremental      recompute everything on every change (ovnts; for comparisons)
  -h, --help            this help
  -V, --version         version`;

function levelOf(spec: string): DaemonOptions['logLevel'] {
  const last = spec.split(':').pop() ?? '';
  if (/^(dbg|debug)$/.test(last) || spec === '') return 'debug';
  if (/^info$/.test(last)) return 'info';
  if (/^(warn|warning)$/.test(last)) return 'warn';
  if (/^(err|error|emer)$/.test(last)) return 'error';
  if (last === 'off') return 'silent';
  return 'debug';
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): DaemonOptions {
  const rundir = env['OVN_RUNDIR'] ?? '/var/run/ovn';
  const logdir = env['OVN_LOGDIR'] ?? '/var/log/ovn';
  let nbRemote = env['OVN_NB_DB'] ?? `unix:${path.join(rundir, 'ovnnb_db.sock')}`;
  let sbRemote = env['OVN_SB_DB'] ?? `unix:${path.join(rundir, 'ovnsb_db.sock')}`;
  let logFile: string | null = null;
  let logLevel: DaemonOptions['logLevel'] = 'info';
  let pidfile: string | null = null;
  let detach = false;
  let dryRun = false;
  let unixctl: string | null = null;
  let noIncremental = false;
  let help = false;
  let version = false;
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const need = () => {
      if (value === undefined || value === '') throw new UsageError(`option ${name} needs a value`);
      return value;
    };
    switch (name) {
      case '--ovnnb-db':
      case '-d':
        nbRemote = need();
        break;
      case '--ovnsb-db':
        sbRemote = need();
        break;
      case '--log-file':
        logFile = value ?? path.join(logdir, 'ovnts-northd.log');
        break;
      case '--pidfile':
        pidfile = value ?? path.join(rundir, 'ovnts-northd.pid');
        break;
      case '--verbose':
        logLevel = levelOf(value ?? '');
        break;
      case '--detach':
        detach = true;
        break;
      case '--unixctl':
        unixctl = need();
        break;
      case '--no-incremental':
        noIncremental = true;
        break;
      case '--no-chdir':
      case '--monitor':
        break;
      case '--dry-run':
        dryRun = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      case '-V':
      case '--version':
        version = true;
        break;
      default:
        if (arg.startsWith('-v')) logLevel = levelOf(arg.slice(2));
        else throw new UsageError(`unknown option ${arg}`);
    }
  }
  unixctl ??= path.join(rundir, `ovnts-northd.${process.pid}.ctl`);
  return { nbRemote, sbRemote, logFile, logLevel, pidfile, detach, dryRun, unixctl, noIncremental, help, version };
}
