// ovn-nbctl's daemon mode. `--detach` starts a server that keeps its NB connection and answers `run`
// requests on its control socket (printing that socket's path, for `export OVN_NB_DAEMON=$(...)`);
// with OVN_NB_DAEMON (or -u SOCKET) set, ovnts-nbctl is the client: it sends its options and commands
// there and prints the reply. Options that only mean something to the client (logging, timeout, SSL,
// daemon options) stay with it; --db makes it run directly instead, as ovn-nbctl does.
import type { ParsedArgs } from './args.js';

/** Options the client keeps (the rest go to the server with the commands). */
const CLIENT_OPTIONS = new Set([
  'no-syslog',
  'help',
  'commands',
  'options',
  'leader-only',
  'no-leader-only',
  'shuffle-remotes',
  'no-shuffle-remotes',
  'bootstrap-ca-cert',
  'private-key',
  'certificate',
  'ca-cert',
  'ssl-protocols',
  'ssl-ciphers',
  'detach',
  'no-chdir',
  'pidfile',
  'overwrite-pidfile',
  'monitor',
  'user',
  'no-self-confinement',
  'unixctl',
  'version',
  'timeout',
  'verbose',
  'log-file',
  'syslog-target',
  'syslog-method',
]);

/** The `run` arguments a client sends for this command line: options, "--", the commands. */
export function clientRunArgs(parsed: ParsedArgs): string[] {
  const opt = (name: string, value: string | null | undefined) =>
    value === null || value === undefined ? `--${name}` : `--${name}=${value}`;
  const globals = parsed.global.given.filter((o) => !CLIENT_OPTIONS.has(o.name)).map((o) => opt(o.name, o.value));
  const locals = [...parsed.localOptions].map(([k, v]) => opt(k.slice(2), v));
  return [...globals, ...locals, '--', ...parsed.commandArgs];
}

/** The control socket a client talks to, if it is one: -u/--unixctl, else OVN_NB_DAEMON. */
export function clientSocket(parsed: ParsedArgs, env: NodeJS.ProcessEnv): string | undefined {
  const u = parsed.global.given.filter((o) => o.name === 'unixctl').at(-1)?.value;
  const s = u ?? env['OVN_NB_DAEMON'];
  return s ? s : undefined;
}
