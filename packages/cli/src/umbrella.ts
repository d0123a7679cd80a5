// `ovnts`, the umbrella command: dispatches to the programs. Each is imported only when asked for, so
// `ovnts nbctl` loads nothing of northd, the controller or the offload pass.
import { OVN_VERSION, OVNTS_VERSION } from '@ovnts/daemon/version';

export interface UmbrellaIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readonly env: NodeJS.ProcessEnv;
}

export const UMBRELLA_USAGE = `ovnts: the ovnts OVN control plane (TypeScript)
usage: ovnts COMMAND [ARG...]

Programs:
  ovnts-nbctl       drop-in ovn-nbctl 23.03 (run "ovnts-nbctl --help")
  ovnts-northd      drop-in ovn-northd 23.03: NB -> SB compiler daemon ("ovnts-northd --help")
  ovnts-controller  drop-in ovn-controller 23.03: chassis daemon ("ovnts-controller --help")
  The daemons take ovn-northd's and ovn-controller's options and keep their files under the real
  names (ovn-northd.pid, ovn-northd.log, ovn-northd.PID.ctl), so "ovn-appctl -t ovn-northd" works.

Commands:
  nbctl ARG...            same as ovnts-nbctl ARG...
  offload-report ARG...   hardware-offload eligibility of br-int's flows ("ovnts offload-report --help")
  help                    this text
  version, --version, -V  the ovnts version and the OVN version it implements
`;

/** Run `ovnts` with `argv` (no program name). Resolves with the exit status. */
export async function runOvnts(argv: readonly string[], io: UmbrellaIo): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'nbctl': {
      const { runNbctl } = await import('./nbctl/main.js');
      return runNbctl(rest, { ...io, programName: 'ovnts nbctl' });
    }
    case 'offload-report': {
      const { runOffloadReport } = await import('@ovnts/offload/cli');
      return runOffloadReport(rest, { stdout: io.stdout, stderr: io.stderr });
    }
    case 'version':
    case '--version':
    case '-V':
      io.stdout(`ovnts ${OVNTS_VERSION} (OVN ${OVN_VERSION})\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(UMBRELLA_USAGE);
      return 0;
    default:
      io.stderr(`ovnts: unknown command '${cmd}'; use "ovnts help"\n`);
      return 1;
  }
}
