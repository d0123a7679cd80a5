// --help text (written for ovnts; lists the same commands and options as ovn-nbctl 23.03).
import { commandHelp } from './help.js';

export function usage(program: string, defaultDb: string): string {
  return `${program}: OVN northbound database utility (ovnts, mirrors ovn-nbctl 23.03)
usage: ${program} [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND [ARG...]]...

All commands of one call run in one transaction: if any fails, nothing changes.
Per-command options (in brackets) come before the command name.
${commandHelp()}
Options:
  --db=DATABASE               database remote(s), comma-separated (default: ${defaultDb}, or $OVN_NB_DB)
  --no-leader-only            accept a non-leader member of a clustered database
  -t, --timeout=SECS          give up after SECS seconds
  --wait=none|sb|hv           after committing, wait for ovn-northd (sb) or also the chassis (hv)
  --print-wait-time           with --wait, print how long each stage took
  --dry-run                   do not commit
  --oneline                   print each command's output on one line
  -f, --format=FORMAT         table output: list (default), table, csv, html, json
  -d, --data=FORMAT           cell data: string (default), bare, json
  --no-headings, --pretty, --bare
  -vSPEC, --verbose=SPEC      set logging levels (OVS syntax: -vconsole:dbg, -vsocket_util:off)
  -v, --verbose               set maximum verbosity level
  -h, --help                  this help
  -V, --version               version information
Daemon mode (--detach, OVN_NB_DAEMON) is not supported.
`;
}
