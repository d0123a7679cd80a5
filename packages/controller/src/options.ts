// Command-line options of ovnts-controller, the ones ovn-controller users rely on (pure).

export interface CliOptions {
  readonly ovsRemote: string;
  readonly logFile?: string;
  readonly pidfile?: string;
  readonly detach: boolean;
  readonly logLevel: string;
  readonly help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const LEVELS: Record<string, string> = {
  dbg: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  err: 'error',
  emer: 'fatal',
  off: 'silent',
};

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let ovsRemote: string | undefined;
  let logFile: string | undefined;
  let pidfile: string | undefined;
  let detach = false;
  let logLevel = 'info';
  let help = false;
  const rundir = env['OVS_RUNDIR'] ?? '/var/run/openvswitch';
  for (const a of argv) {
    if (a === '-h' || a === '--help') help = true;
    else if (a === '--detach') detach = true;
    else if (a === '--no-chdir' || a === '--monitor') continue;
    else if (a === '--log-file') logFile = `${env['OVN_LOGDIR'] ?? rundir}/ovn-controller.log`;
    else if (a.startsWith('--log-file=')) logFile = a.slice('--log-file='.length);
    else if (a === '--pidfile') pidfile = `${env['OVN_RUNDIR'] ?? rundir}/ovn-controller.pid`;
    else if (a.startsWith('--pidfile=')) pidfile = a.slice('--pidfile='.length);
    else if (a === '-v' || a === '--verbose') logLevel = 'debug';
    else if (a.startsWith('-v') || a.startsWith('--verbose=')) {
      // ovs-style "-vconsole:info", "-vdbg", "--verbose=file:warn": the last level word wins.
      const words = a.replace(/^(-v|--verbose=)/, '').split(':');
      const lvl = words
        .map((w) => LEVELS[w])
        .filter(Boolean)
        .pop();
      if (lvl) logLevel = lvl;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (ovsRemote) throw new UsageError('at most one OVS database remote may be given');
    else ovsRemote = a;
  }
  return {
    ovsRemote: ovsRemote ?? `unix:${rundir}/db.sock`,
    ...(logFile ? { logFile } : {}),
    ...(pidfile ? { pidfile } : {}),
    detach,
    logLevel,
    help,
  };
}

export const USAGE = `ovnts-controller: OVN chassis controller (drop-in for ovn-controller 23.03)
usage: ovnts-controller [OPTIONS] [OVS-DATABASE]
  OVS-DATABASE        the local Open_vSwitch DB (default unix:$OVS_RUNDIR/db.sock)
  --log-file[=FILE]   log to FILE
  --pidfile[=FILE]    write the process id to FILE
  --detach            run in the background
  -v, -vLEVEL         log level (dbg, info, warn, err, off)
`;
