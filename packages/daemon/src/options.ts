// The options every OVS/OVN daemon takes (daemon, logging, control socket, SSL), and where their
// files go by default: `NAME` is the real program's name, so ovnts-northd's files are ovn-northd.*.
import path from 'node:path';
import type { SslFiles } from 'ovsdb-client-ts';
import type { OptionDef, ParsedOption } from './getopt.js';

export const DAEMON_OPTION_DEFS: readonly OptionDef[] = [
  { name: 'detach', arg: 'none' },
  { name: 'no-chdir', arg: 'none' },
  { name: 'pidfile', arg: 'optional' },
  { name: 'overwrite-pidfile', arg: 'none' },
  { name: 'monitor', arg: 'none' },
  { name: 'user', arg: 'required' },
  { name: 'no-self-confinement', arg: 'none' },
  { name: 'verbose', arg: 'optional', short: 'v' },
  { name: 'log-file', arg: 'optional' },
  { name: 'syslog-method', arg: 'required' },
  { name: 'syslog-target', arg: 'required' },
  { name: 'log-format', arg: 'required' },
  { name: 'unixctl', arg: 'required' },
  { name: 'help', arg: 'none', short: 'h' },
  { name: 'version', arg: 'none', short: 'V' },
  { name: 'options', arg: 'none', short: 'o' },
  { name: 'private-key', arg: 'required', short: 'p' },
  { name: 'certificate', arg: 'required', short: 'c' },
  { name: 'ca-cert', arg: 'required', short: 'C' },
  { name: 'bootstrap-ca-cert', arg: 'required' },
  { name: 'ssl-protocols', arg: 'required' },
  { name: 'ssl-ciphers', arg: 'required' },
];

export interface SslOptions {
  privateKey?: string;
  certificate?: string;
  caCert?: string;
  protocols?: string;
  ciphers?: string;
}

/** The files an ssl: remote needs, when -p, -c and -C were all given. */
export function sslFilesOf(o: SslOptions): SslFiles | undefined {
  return o.privateKey && o.certificate && o.caCert
    ? { privateKey: o.privateKey, certificate: o.certificate, caCert: o.caCert }
    : undefined;
}

export interface DaemonConfig {
  /** The real program's name: file names, %A, the `version` reply. */
  readonly program: string;
  detach: boolean;
  noChdir: boolean;
  pidfile: string | null;
  overwritePidfile: boolean;
  /** -v specs in order; '' is a bare -v (everything to dbg). */
  readonly verbose: string[];
  logFile: string | null;
  syslogTarget: string | null;
  logFormat: 'text' | 'json';
  /** The control socket's path (default $OVN_RUNDIR/NAME.PID.ctl, decided at start). */
  unixctl: string | null;
  help: boolean;
  version: boolean;
  listOptions: boolean;
  readonly ssl: SslOptions;
}

export class DaemonUsageError extends Error {
  override readonly name = 'DaemonUsageError';
}

/** $OVN_RUNDIR, as OVN daemons read it. */
export function runDir(env: NodeJS.ProcessEnv): string {
  return env['OVN_RUNDIR'] || '/var/run/ovn';
}

/** Where a bare --log-file writes: the OVS library reads $OVS_LOGDIR; $OVN_LOGDIR is the fallback. */
export function logDir(env: NodeJS.ProcessEnv): string {
  return env['OVS_LOGDIR'] || env['OVN_LOGDIR'] || '/var/log/ovn';
}

export function newDaemonConfig(program: string): DaemonConfig {
  return {
    program,
    detach: false,
    noChdir: false,
    pidfile: null,
    overwritePidfile: false,
    verbose: [],
    logFile: null,
    syslogTarget: null,
    logFormat: 'text',
    unixctl: null,
    help: false,
    version: false,
    listOptions: false,
    ssl: {},
  };
}

/**
 * Take `opt` into `cfg` if it is a daemon option; false otherwise. Relative pidfile and control socket
 * names are under $OVN_RUNDIR, a relative log file under the current directory (as OVN resolves them).
 */
export function applyDaemonOption(cfg: DaemonConfig, opt: ParsedOption, env: NodeJS.ProcessEnv): boolean {
  const rundir = runDir(env);
  const v = opt.value;
  switch (opt.name) {
    case 'detach':
      cfg.detach = true;
      break;
    case 'no-chdir':
      cfg.noChdir = true;
      break;
    case 'pidfile':
      cfg.pidfile = v ? path.resolve(rundir, v) : path.join(rundir, `${cfg.program}.pid`);
      break;
    case 'overwrite-pidfile':
      cfg.overwritePidfile = true;
      break;
    case 'monitor':
    case 'user':
    case 'no-self-confinement':
    case 'syslog-method':
      break; // accepted: ovnts runs as it is started, without a monitor process or libc syslog
    case 'verbose':
      cfg.verbose.push(v ?? '');
      break;
    case 'log-file':
      cfg.logFile = v ? path.resolve(v) : path.join(logDir(env), `${cfg.program}.log`);
      break;
    case 'syslog-target':
      cfg.syslogTarget = v ?? null;
      break;
    case 'log-format':
      if (v !== 'json' && v !== 'text')
        throw new DaemonUsageError(`--log-format: expected "text" or "json", not "${v}"`);
      cfg.logFormat = v;
      break;
    case 'unixctl':
      cfg.unixctl = path.resolve(rundir, v ?? '');
      break;
    case 'help':
      cfg.help = true;
      break;
    case 'version':
      cfg.version = true;
      break;
    case 'options':
      cfg.listOptions = true;
      break;
    // Absolute at once: a detached daemon leaves its directory, and the files are re-read on reconnects.
    case 'private-key':
      cfg.ssl.privateKey = path.resolve(v ?? '');
      break;
    case 'certificate':
      cfg.ssl.certificate = path.resolve(v ?? '');
      break;
    case 'ca-cert':
    case 'bootstrap-ca-cert':
      cfg.ssl.caCert = path.resolve(v ?? '');
      break;
    case 'ssl-protocols':
      cfg.ssl.protocols = v;
      break;
    case 'ssl-ciphers':
      cfg.ssl.ciphers = v;
      break;
    default:
      return false;
  }
  return true;
}

/** The --help sections every daemon shares (after the program's own options). */
export function daemonUsage(program: string, env: NodeJS.ProcessEnv): string {
  return `
Daemon options:
  --detach                go to the background once started (the command returns when it is ready)
  --monitor               accepted (ovnts runs no monitor process)
  --no-chdir              a detached daemon stays in the current directory (default: it moves to '/')
  --pidfile[=FILE]        pidfile, fcntl-locked while running (default: ${path.join(runDir(env), `${program}.pid`)})
  --overwrite-pidfile     start even when another live process holds the pidfile
  --unixctl=SOCKET        control socket (default: ${path.join(runDir(env), `${program}.PID.ctl`)})

Logging options:
  -vSPEC, --verbose=SPEC   log levels and patterns, OVS syntax (-vconsole:off, -vfile:info, -vjsonrpc:file:dbg)
  -v, --verbose            everything at dbg
  --log-file[=FILE]        also log to FILE (default: ${path.join(logDir(env), `${program}.log`)})
  --log-format=json        pino JSON lines instead of vlog text lines
  --syslog-target=HOST:PORT  copy syslog-destination lines to HOST:PORT over UDP

SSL (for ssl: remotes):
  -p, --private-key=FILE  private key
  -c, --certificate=FILE  certificate for the private key
  -C, --ca-cert=FILE      CA certificate that signs the server's
  --ssl-protocols=PROTOS  accepted (Node's TLS defaults apply)
  --ssl-ciphers=CIPHERS   accepted (Node's TLS defaults apply)
`;
}
