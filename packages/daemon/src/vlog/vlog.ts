// The logging state of one program, as OVS's vlog keeps it: every module's level per destination
// (console = stderr, syslog, file), a line pattern per destination, the log file, and the message
// counter. Messages arrive through the pino stream (pino-stream.ts); the program's modules are fixed
// at start, as OVS modules are, so `-vMODULE:...` and `vlog/set` can reject unknown names.
import { closeSync, fstatSync, openSync, statSync, writeSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { hostname } from 'node:os';
import { levelRank, VLOG_DESTINATIONS, type VlogDestination, type VlogLevel } from './levels.js';
// For the entry point @ovnts/daemon/vlog (ovnts-nbctl reads level words without loading the rest).
export { levelFromName, type VlogLevel } from './levels.js';
import { DEFAULT_PATTERNS, formatVlog, SYSLOG_TARGET_PATTERN, type LogRecord } from './format.js';
import { parseVlogSpec, SYSLOG_FACILITIES, VlogSpecError } from './spec.js';

/** Modules every ovnts program has (the OVS library modules its messages stand for). */
export const COMMON_MODULES = [
  'vlog',
  'reconnect',
  'jsonrpc',
  'ovsdb_idl',
  'ovsdb_cs',
  'stream',
  'stream_unix',
  'stream_tcp',
  'stream_ssl',
  'socket_util',
  'socket_util_unix',
  'unixctl',
  'daemon',
  'daemon_unix',
  'memory',
  'timeval',
  'poll_loop',
  'fatal_signal',
  'lockfile',
  'coverage',
  'util',
  'command_line',
] as const;

export interface VlogOptions {
  /** Program name as the real tool's (%A, the default log file name). */
  readonly program: string;
  /** The program's own modules, besides COMMON_MODULES. */
  readonly modules: readonly string[];
  /** Initial level of every module on every destination (OVS: info). */
  readonly defaultLevel?: VlogLevel;
  /** Where console lines go (default: stderr); a function takes them instead of a descriptor. */
  readonly consoleFd?: number | ((line: string) => void);
  /** Write JSON (the pino line) instead of the pattern, on console and file. */
  readonly json?: boolean;
}

type Levels = Record<VlogDestination, VlogLevel>;

const PINO_LEVEL: Readonly<Record<VlogLevel, number>> = { off: 60, emer: 60, err: 50, warn: 40, info: 30, dbg: 20 };

export class Vlog {
  readonly program: string;
  readonly json: boolean;
  private readonly modules = new Map<string, Levels>();
  private readonly byLowerName = new Map<string, string>();
  private readonly patterns: Record<VlogDestination, string> = { ...DEFAULT_PATTERNS };
  private logFileName: string | null = null;
  private logFd = -1;
  private seq = 0;
  private facility = 16 << 3; // LOCAL0
  private syslogTarget: { socket: Socket; host: string; port: number } | undefined;
  private readonly consoleFd: number | ((line: string) => void);
  private readonly started = Date.now();
  private readonly host = hostname();
  private readonly listeners: (() => void)[] = [];

  constructor(opts: VlogOptions) {
    this.program = opts.program;
    this.json = opts.json ?? false;
    this.consoleFd = opts.consoleFd ?? 2;
    const lvl = opts.defaultLevel ?? 'info';
    for (const m of [...COMMON_MODULES, ...opts.modules]) {
      this.modules.set(m, { console: lvl, syslog: lvl, file: lvl });
      this.byLowerName.set(m.toLowerCase(), m);
    }
  }

  /** The canonical name of a module (case-insensitive lookup), if it exists. */
  moduleName(word: string): string | undefined {
    return this.byLowerName.get(word.toLowerCase());
  }

  hasModule(name: string): boolean {
    return this.modules.has(name);
  }

  /** Apply one -v spec ("console:off", "jsonrpc:file:dbg", "PATTERN:file:%m"...); throws VlogSpecError. */
  apply(spec: string): void {
    const s = parseVlogSpec(spec, (w) => this.moduleName(w));
    if (s.kind === 'pattern') {
      for (const d of s.destination ? [s.destination] : VLOG_DESTINATIONS) this.patterns[d] = s.pattern;
    } else if (s.kind === 'facility') {
      this.facility = SYSLOG_FACILITIES.indexOf(s.facility as (typeof SYSLOG_FACILITIES)[number]) << 3;
    } else {
      this.setLevels(s.module, s.destination, s.level);
      return;
    }
    this.changed();
  }

  /** `-v` with no spec, or `vlog/set` with no argument: everything to dbg. */
  setLevels(module: string | null, destination: VlogDestination | null, level: VlogLevel): void {
    for (const [name, levels] of this.modules) {
      if (module && name !== module) continue;
      for (const d of destination ? [destination] : VLOG_DESTINATIONS) levels[d] = level;
    }
    this.changed();
  }

  level(module: string, destination: VlogDestination): VlogLevel {
    return this.modules.get(module)?.[destination] ?? 'off';
  }

  /** Called whenever levels, patterns or the log file change (the pino threshold follows). */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** The most verbose level any module would write anywhere now: cheaper calls are dropped before pino formats them. */
  maxLevel(): VlogLevel {
    let max = 0;
    for (const levels of this.modules.values())
      for (const d of VLOG_DESTINATIONS) {
        if (d === 'file' && this.logFd < 0) continue;
        if (d === 'syslog' && !this.syslogTarget) continue;
        max = Math.max(max, levelRank(levels[d]));
      }
    return (['off', 'emer', 'err', 'warn', 'info', 'dbg'] as const)[max]!;
  }

  get logFile(): string | null {
    return this.logFileName;
  }

  /** Open (or switch to) the log file, appending; logs "opened log file" as OVS does. Throws on failure. */
  setLogFile(file: string): void {
    const fd = openSync(file, 'a', 0o660);
    if (this.logFd >= 0) {
      const a = fstatSync(this.logFd);
      const b = fstatSync(fd);
      if (a.dev === b.dev && a.ino === b.ino) {
        closeSync(fd);
        return;
      }
      this.log('vlog', 'info', 'closing log file');
      closeSync(this.logFd);
    }
    this.logFd = fd;
    this.logFileName = file;
    this.changed();
    this.log('vlog', 'info', `opened log file ${file}`);
  }

  /** Re-open the log file by name (after rotation). False when no log file is configured. */
  reopenLogFile(): boolean {
    if (!this.logFileName) return false;
    let same = false;
    try {
      const cur = fstatSync(this.logFd);
      const onDisk = statSync(this.logFileName);
      same = cur.dev === onDisk.dev && cur.ino === onDisk.ino;
    } catch {
      // rotated away: open a new one
    }
    if (!same || this.logFd < 0) {
      const name = this.logFileName;
      if (this.logFd >= 0) {
        this.log('vlog', 'info', 'closing log file');
        closeSync(this.logFd);
        this.logFd = -1;
      }
      this.setLogFile(name);
    }
    return true;
  }

  /** Stop writing the log file (`vlog/close`); `vlog/reopen` opens it again. */
  closeLogFile(): void {
    if (this.logFd < 0) return;
    closeSync(this.logFd);
    this.logFd = -1;
    this.changed();
  }

  /** Also send syslog-destination messages to HOST:PORT over UDP (`--syslog-target`). */
  setSyslogTarget(target: string): void {
    const m = /^(.*):(\d+)$/.exec(target);
    if (!m) throw new VlogSpecError(`${target}: bad syslog target (expected HOST:PORT)`);
    const host = m[1]!.replace(/^\[(.*)\]$/, '$1');
    this.syslogTarget?.socket.close();
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.unref();
    socket.on('error', () => {});
    this.syslogTarget = { socket, host, port: Number(m[2]) };
    this.changed();
  }

  /** Whether `module` at `level` reaches any destination. */
  enabled(module: string, level: VlogLevel): boolean {
    const l = this.modules.get(module);
    if (!l || level === 'off') return false;
    const r = levelRank(level);
    return (
      levelRank(l.console) >= r ||
      (this.logFd >= 0 && levelRank(l.file) >= r) ||
      (!!this.syslogTarget && levelRank(l.syslog) >= r)
    );
  }

  /**
   * Write one message to every destination whose level admits it. `raw` (the pino JSON line) is what
   * JSON mode writes instead of the pattern.
   */
  log(module: string, level: VlogLevel, message: string, timeMs = Date.now(), raw?: string): void {
    const l = this.modules.get(module);
    if (!l || level === 'off') return;
    const r = levelRank(level);
    const toConsole = levelRank(l.console) >= r;
    const toFile = this.logFd >= 0 && levelRank(l.file) >= r;
    const toSyslog = !!this.syslogTarget && levelRank(l.syslog) >= r;
    if (!toConsole && !toFile && !toSyslog) return;
    const rec: LogRecord = {
      module,
      level,
      message,
      timeMs,
      seq: ++this.seq,
      program: this.program,
      pid: process.pid,
      uptimeMs: Date.now() - this.started,
      hostname: this.host,
      facility: this.facility,
    };
    // JSON mode: pino's own line, or one shaped like it for messages that did not come through pino.
    const json = () =>
      raw?.replace(/\n?$/, '\n') ??
      JSON.stringify({ level: PINO_LEVEL[level], time: timeMs, pid: process.pid, module, msg: message }) + '\n';
    const line = (d: VlogDestination) => (this.json ? json() : formatVlog(this.patterns[d], rec) + '\n');
    if (toConsole) {
      try {
        if (typeof this.consoleFd === 'function') this.consoleFd(line('console'));
        else writeSync(this.consoleFd, line('console'));
      } catch {
        // stderr gone (detached): nothing to do
      }
    }
    if (toFile) writeSync(this.logFd, line('file'));
    if (toSyslog && this.syslogTarget) {
      const t = this.syslogTarget;
      t.socket.send(formatVlog(SYSLOG_TARGET_PATTERN, rec), t.port, t.host);
    }
  }

  /** `vlog/list`: every module's level per destination. */
  listLevels(): string {
    const rows = [...this.modules].map(
      ([name, l]) =>
        `${name.padEnd(16)}  ${l.console.toUpperCase().padStart(4)}       ${l.syslog.toUpperCase().padStart(4)}       ${l.file.toUpperCase().padStart(4)}\n`,
    );
    rows.sort();
    return (
      '                 console    syslog    file\n' + '                 -------    ------    ------\n' + rows.join('')
    );
  }

  /** `vlog/list-pattern`: each destination's pattern. */
  listPatterns(): string {
    const row = (name: string, prefix: string, pattern: string) =>
      `${name.padEnd(7)}  ${prefix.padEnd(32)}  ${pattern}\n`;
    return (
      '         prefix                            format\n' +
      '         ------                            ------\n' +
      row('SYSLOG', 'none', this.patterns.syslog) +
      row('CONSOLE', 'none', this.patterns.console) +
      row('FILE', 'none', this.patterns.file)
    );
  }
}
