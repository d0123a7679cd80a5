// Command-line parsing as ovn-nbctl does it: getopt_long-style global options (long names may be
// abbreviated to a unique prefix; parsing stops at the first non-option), per-command options given
// before the first command, then commands separated by "--", each with its own leading options. Pure.
import { COMMANDS, commandOptions, type CommandSyntax } from './syntax.js';
import type { CellFormat, TableFormat } from '../dbctl/table.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type ArgKind = 'none' | 'required' | 'optional';

/** Global long options (ovn-dbctl's, the daemon/vlog/SSL/table groups) and their short letters. */
const GLOBAL: readonly (readonly [string, ArgKind, string?])[] = [
  ['db', 'required'],
  ['no-syslog', 'none'],
  ['help', 'none', 'h'],
  ['commands', 'none'],
  ['options', 'none'],
  ['leader-only', 'none'],
  ['no-leader-only', 'none'],
  ['shuffle-remotes', 'none'],
  ['no-shuffle-remotes', 'none'],
  ['version', 'none', 'V'],
  ['unixctl', 'required', 'u'],
  ['no-wait', 'none'],
  ['wait', 'required'],
  ['print-wait-time', 'none'],
  ['dry-run', 'none'],
  ['oneline', 'none'],
  ['timeout', 'required', 't'],
  ['detach', 'none'],
  ['no-chdir', 'none'],
  ['no-self-confinement', 'none'],
  ['pidfile', 'optional'],
  ['overwrite-pidfile', 'none'],
  ['monitor', 'none'],
  ['user', 'required'],
  ['verbose', 'optional', 'v'],
  ['log-file', 'optional'],
  ['syslog-target', 'required'],
  ['syslog-method', 'required'],
  ['private-key', 'required', 'p'],
  ['certificate', 'required', 'c'],
  ['ca-cert', 'required', 'C'],
  ['ssl-protocols', 'required'],
  ['ssl-ciphers', 'required'],
  ['bootstrap-ca-cert', 'required'],
  ['format', 'required', 'f'],
  ['data', 'required', 'd'],
  ['no-headings', 'none'],
  ['pretty', 'none'],
  ['bare', 'none'],
  ['max-column-width', 'required'],
];

export interface GlobalOptions {
  db?: string;
  help: boolean;
  version: boolean;
  leaderOnly: boolean;
  wait: 'none' | 'sb' | 'hv';
  printWaitTime: boolean;
  dryRun: boolean;
  oneline: boolean;
  timeoutSec?: number;
  /** -v/--verbose specs in order ('' for a bare -v), with OVS's meaning. */
  verbose: string[];
  /** --log-file (absolute or relative to the current directory). */
  logFile?: string;
  detach: boolean;
  format: TableFormat;
  data: CellFormat;
  headings: boolean;
  pretty: boolean;
  /** -p/-c/-C: key, certificate and CA for ssl: remotes (used when all three are given). */
  readonly ssl: { privateKey?: string; certificate?: string; caCert?: string };
  /** Every global option as given, in order (daemon mode reads its own from here). */
  readonly given: { readonly name: string; readonly value: string | undefined }[];
}

export interface ParsedCommand {
  readonly syntax: CommandSyntax;
  /** argv[0] is the command name. */
  readonly argv: readonly string[];
  /** "--name" → value (null when given without one). */
  readonly options: ReadonlyMap<string, string | null>;
}

export interface ParsedArgs {
  readonly global: GlobalOptions;
  readonly commands: readonly ParsedCommand[];
  /** Options given before the first command for the commands ("--may-exist"), as given. */
  readonly localOptions: ReadonlyMap<string, string | null>;
  /** The command part of the line, unparsed (what a client sends its daemon). */
  readonly commandArgs: readonly string[];
}

interface OptSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly local: boolean;
}

let specCache: OptSpec[] | undefined;
function specs(): OptSpec[] {
  if (!specCache) {
    specCache = GLOBAL.map(([name, kind]) => ({ name, kind, local: false }));
    for (const [name, kind] of commandOptions()) {
      if (!specCache.some((s) => s.name === name)) specCache.push({ name, kind, local: true });
    }
  }
  return specCache;
}

function findLong(name: string): OptSpec | undefined {
  const all = specs();
  const exact = all.find((s) => s.name === name);
  if (exact) return exact;
  const prefixed = all.filter((s) => s.name.startsWith(name));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Parse the whole command line (without the program name). Throws UsageError with ovn-nbctl's text. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ParsedArgs {
  const g: GlobalOptions = {
    help: false,
    version: false,
    leaderOnly: true,
    wait: 'none',
    printWaitTime: false,
    dryRun: false,
    oneline: false,
    verbose: [],
    detach: false,
    format: 'list',
    data: 'string',
    headings: true,
    pretty: false,
    ssl: {},
    given: [],
  };
  const local = new Map<string, string | null>();
  // OVN_NBCTL_OPTIONS supplies default options, parsed before the real ones.
  const envOpts = env['OVN_NBCTL_OPTIONS']?.trim().split(/\s+/).filter(Boolean) ?? [];
  const args = [...envOpts, ...argv];
  let i = 0;
  const applied: [OptSpec, string | null][] = [];
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    i++;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = findLong(name);
      if (!spec) throw new UsageError(`unrecognized option '${eq >= 0 ? a.slice(0, eq) : a}'`);
      let value: string | null = null;
      if (eq >= 0) {
        if (spec.kind === 'none') throw new UsageError(`option '${a}' doesn't allow an argument`);
        value = a.slice(eq + 1);
      } else if (spec.kind === 'required') {
        if (i >= args.length) throw new UsageError(`option '--${spec.name}' requires an argument`);
        value = args[i++]!;
      }
      applied.push([spec, value]);
    } else {
      // A cluster of short options, e.g. "-vt5".
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const g0 = GLOBAL.find((o) => o[2] === c);
        if (!g0) throw new UsageError(`unrecognized option '${c}'`);
        const spec: OptSpec = { name: g0[0], kind: g0[1], local: false };
        let value: string | null = null;
        if (spec.kind !== 'none') {
          if (j + 1 < a.length) value = a.slice(j + 1);
          else if (spec.kind === 'required') {
            if (i >= args.length) throw new UsageError(`option requires an argument -- '${c}'`);
            value = args[i++]!;
          }
          j = a.length;
        }
        applied.push([spec, value]);
      }
    }
  }
  for (const [spec, value] of applied) {
    if (spec.local) {
      const key = `--${spec.name}`;
      if (local.has(key)) throw new UsageError(`'${key}' option specified multiple times`);
      local.set(key, value);
    } else {
      g.given.push({ name: spec.name, value: value ?? undefined });
      applyGlobal(g, spec.name, value, env);
    }
  }
  // The background child that --detach started (@ovnts/daemon's isDetachedChild) runs without the
  // option, and is the server all the same.
  if (env['OVNTS_DETACHED_CHILD']) g.detach = true;
  const commandArgs = args.slice(i);
  // --detach takes no commands (the caller says so if any were given).
  if (g.help || g.version || (g.detach && !commandArgs.length))
    return { global: g, commands: [], localOptions: local, commandArgs };
  return { global: g, commands: parseCommands(commandArgs, local), localOptions: local, commandArgs };
}

function applyGlobal(g: GlobalOptions, name: string, value: string | null, env: NodeJS.ProcessEnv): void {
  switch (name) {
    case 'db':
      g.db = value ?? '';
      break;
    case 'help':
      g.help = true;
      break;
    case 'version':
      g.version = true;
      break;
    case 'leader-only':
      g.leaderOnly = true;
      break;
    case 'no-leader-only':
      g.leaderOnly = false;
      break;
    case 'no-wait':
      g.wait = 'none';
      break;
    case 'wait':
      if (value !== 'none' && value !== 'sb' && value !== 'hv') {
        throw new UsageError('argument to --wait must be "none", "sb", or "hv"');
      }
      g.wait = value;
      break;
    case 'print-wait-time':
      g.printWaitTime = true;
      break;
    case 'dry-run':
      g.dryRun = true;
      break;
    case 'oneline':
      g.oneline = true;
      break;
    case 'timeout': {
      const n = /^\d+$/.test(value ?? '') ? Number(value) : 0;
      if (!n || n > 0xffffffff) throw new UsageError(`value ${value} on -t or --timeout is invalid`);
      g.timeoutSec = n;
      break;
    }
    case 'verbose':
      g.verbose.push(value ?? '');
      break;
    case 'log-file':
      g.logFile = value ?? `${env['OVS_LOGDIR'] || env['OVN_LOGDIR'] || '/var/log/ovn'}/ovn-nbctl.log`;
      break;
    case 'detach':
      g.detach = true;
      break;
    case 'format':
      if (!['table', 'list', 'html', 'csv', 'json'].includes(value ?? '')) {
        throw new UsageError(`unknown output format "${value}"`);
      }
      g.format = value as TableFormat;
      break;
    case 'data':
      if (!['string', 'bare', 'json'].includes(value ?? '')) throw new UsageError(`unknown data format "${value}"`);
      g.data = value as CellFormat;
      break;
    case 'no-headings':
      g.headings = false;
      break;
    case 'pretty':
      g.pretty = true;
      break;
    case 'bare':
      g.format = 'list';
      g.data = 'bare';
      g.headings = false;
      break;
    case 'private-key':
      g.ssl.privateKey = value ?? '';
      break;
    case 'certificate':
      g.ssl.certificate = value ?? '';
      break;
    case 'ca-cert':
      g.ssl.caCert = value ?? '';
      break;
    default:
      // Accepted for compatibility, no effect here (syslog, ...), or read from `given` in daemon mode.
      break;
  }
}

/** Split the command part on "--" and parse each command (ctl_parse_commands). */
export function parseCommands(args: readonly string[], local: Map<string, string | null>): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  let pendingLocal: Map<string, string | null> | undefined = local;
  let start = 0;
  for (let i = 0; i <= args.length; i++) {
    if (i === args.length || args[i] === '--') {
      if (i > start) {
        out.push(parseCommand(args.slice(start, i), pendingLocal ?? new Map()));
        pendingLocal = undefined;
      } else if (pendingLocal && pendingLocal.size > 0) {
        throw new UsageError('missing command name (use --help for help)');
      }
      start = i + 1;
    }
  }
  if (out.length === 0) throw new UsageError('missing command name (use --help for help)');
  return out;
}

function parseCommand(args: readonly string[], inherited: Map<string, string | null>): ParsedCommand {
  const options = new Map(inherited);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) break;
    const eq = a.indexOf('=');
    const key = eq >= 0 ? a.slice(0, eq) : a;
    if (options.has(key)) throw new UsageError(`'${a}' option specified multiple times`);
    options.set(key, eq >= 0 ? a.slice(eq + 1) : null);
  }
  if (i === args.length) throw new UsageError('missing command name (use --help for help)');
  const name = args[i]!;
  const syntax = COMMANDS.get(name);
  if (!syntax) throw new UsageError(`unknown command '${name}'; use --help for help`);
  for (const [key, value] of options) {
    const at = syntax.options.indexOf(key);
    const end = at >= 0 ? (syntax.options[at + key.length] ?? ' ') : undefined;
    if (end === undefined || !'=,? '.includes(end)) {
      throw new UsageError(`'${name}' command has no '${key}' option`);
    }
    if (end !== '?' && (end === '=') !== (value !== null)) {
      throw new UsageError(
        end === '='
          ? `missing argument to '${key}' option on '${name}' command`
          : `'${key}' option on '${name}' does not accept an argument`,
      );
    }
  }
  const n = args.length - i - 1;
  if (n < syntax.min) throw new UsageError(`'${name}' command requires at least ${syntax.min} arguments`);
  if (n > syntax.max) {
    const hint = args.slice(i + 1).some((x) => x.startsWith('-'))
      ? ' (note that options must precede command names and follow a "--" argument)'
      : '';
    throw new UsageError(`'${name}' command takes at most ${syntax.max} arguments${hint}`);
  }
  return { syntax, argv: args.slice(i), options };
}
