// Command-line options of ovnts-controller: ovn-controller's, read as it reads them (getopt_long), with
// the daemon, logging and SSL options of @ovnts/daemon. Pure.
import {
  applyDaemonOption,
  DAEMON_OPTION_DEFS,
  daemonUsage,
  getoptLong,
  newDaemonConfig,
  type DaemonConfig,
  type OptionDef,
} from '@ovnts/daemon';

/** The real daemon's name: ovnts-controller's pidfile, log and control socket are ovn-controller.*. */
export const PROGRAM = 'ovn-controller';

export interface CliOptions {
  readonly daemon: DaemonConfig;
  readonly ovsRemote: string;
  /** getopt's complaints, for stderr. */
  readonly errors: readonly string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const CONTROLLER_OPTION_DEFS: readonly OptionDef[] = [
  // Accepted for ovn-controller compatibility (OVN's test suite passes it); ovnts plugs no VIFs itself.
  { name: 'enable-dummy-vif-plug', arg: 'none' },
  { name: 'chassis', arg: 'required', short: 'n' },
  ...DAEMON_OPTION_DEFS,
];

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const daemon = newDaemonConfig(PROGRAM);
  const parsed = getoptLong(argv, CONTROLLER_OPTION_DEFS);
  for (const o of parsed.options) {
    if (o.name === 'enable-dummy-vif-plug' || o.name === 'chassis') continue;
    applyDaemonOption(daemon, o, env);
  }
  if (parsed.operands.length > 1) throw new UsageError('at most one OVS database remote may be given');
  const rundir = env['OVS_RUNDIR'] || '/var/run/openvswitch';
  return { daemon, ovsRemote: parsed.operands[0] ?? `unix:${rundir}/db.sock`, errors: parsed.errors };
}

export function usage(env: NodeJS.ProcessEnv): string {
  return `ovnts-controller: OVN chassis controller (drop-in for ovn-controller 23.03)
usage: ovnts-controller [OPTIONS] [OVS-DATABASE]
OVS-DATABASE: the local Open_vSwitch database (default: unix:$OVS_RUNDIR/db.sock).
${daemonUsage(PROGRAM, env)}
Other options:
  -h, --help              this text
  -V, --version           versions
`;
}
