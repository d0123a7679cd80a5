// Renders one log message through a vlog pattern ("%D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c%T|%p|%m" and the
// like; the conversions are listed in ovs-appctl(8)). Pure: time, sequence number and host come in.
import { SYSLOG_SEVERITY, type VlogLevel } from './levels.js';

export const DEFAULT_PATTERNS = {
  console: '%D{%Y-%m-%dT%H:%M:%SZ}|%05N|%c%T|%p|%m',
  syslog: 'ovs|%05N|%c%T|%p|%m',
  file: '%D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c%T|%p|%m',
} as const;

/** What the syslog-target UDP export sends (RFC 5424). */
export const SYSLOG_TARGET_PATTERN = '<%B>1 %D{%Y-%m-%dT%H:%M:%S.###Z} %E %A %P %c - \u{feff}%m';

export interface LogRecord {
  readonly module: string;
  readonly level: VlogLevel;
  readonly message: string;
  /** Wall clock, ms since the epoch. */
  readonly timeMs: number;
  /** The message's sequence number (%N). */
  readonly seq: number;
  readonly program: string;
  readonly pid: number;
  /** Milliseconds since the program started (%r). */
  readonly uptimeMs: number;
  readonly hostname: string;
  /** Syslog facility code (%B), LOCAL0 (16 << 3) when unset. */
  readonly facility?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const p2 = (n: number) => String(n).padStart(2, '0');

/** strftime for the conversions log patterns use, then '#' runs become the milliseconds' digits. */
export function strftimeMs(fmt: string, timeMs: number, utc: boolean): string {
  const d = new Date(timeMs);
  const Y = utc ? d.getUTCFullYear() : d.getFullYear();
  const mo = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const H = utc ? d.getUTCHours() : d.getHours();
  const M = utc ? d.getUTCMinutes() : d.getMinutes();
  const S = utc ? d.getUTCSeconds() : d.getSeconds();
  const wd = utc ? d.getUTCDay() : d.getDay();
  const conv: Record<string, () => string> = {
    Y: () => String(Y),
    y: () => p2(Y % 100),
    m: () => p2(mo + 1),
    d: () => p2(day),
    e: () => String(day).padStart(2, ' '),
    H: () => p2(H),
    M: () => p2(M),
    S: () => p2(S),
    T: () => `${p2(H)}:${p2(M)}:${p2(S)}`,
    F: () => `${Y}-${p2(mo + 1)}-${p2(day)}`,
    b: () => MONTHS[mo]!,
    h: () => MONTHS[mo]!,
    a: () => DAYS[wd]!,
    s: () => String(Math.floor(timeMs / 1000)),
    '%': () => '%',
  };
  const out = fmt.replace(/%(.)/g, (all, c: string) => conv[c]?.() ?? all);
  const ms = String(((timeMs % 1000) + 1000) % 1000).padStart(3, '0');
  return out.replace(/#+/g, (run) => [...run].map((_, i) => ms[i] ?? '0').join(''));
}

/** A `{...}` argument right after a conversion, or the default. */
function braces(pattern: string, at: number, def: string): { arg: string; next: number } {
  if (pattern[at] !== '{') return { arg: def, next: at };
  const end = pattern.indexOf('}', at + 1);
  if (end < 0) return { arg: pattern.slice(at + 1), next: pattern.length };
  return { arg: pattern.slice(at + 1, end), next: end + 1 };
}

/** One log line (without its newline) for `rec` through `pattern`. */
export function formatVlog(pattern: string, rec: LogRecord): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    i++;
    let left = false;
    let pad = ' ';
    if (pattern[i] === '-') {
      left = true;
      i++;
    }
    if (pattern[i] === '0') {
      pad = '0';
      i++;
    }
    let width = 0;
    while (i < pattern.length && /[0-9]/.test(pattern[i]!)) width = width * 10 + Number(pattern[i++]);
    const c = pattern[i++];
    let field: string;
    switch (c) {
      case 'A':
        field = rec.program;
        break;
      case 'B':
        field = String((rec.facility ?? 16 << 3) + SYSLOG_SEVERITY[rec.level]);
        break;
      case 'c': {
        i = braces(pattern, i, '').next;
        field = rec.module;
        break;
      }
      case 'd':
      case 'D': {
        const b = braces(pattern, i, '%Y-%m-%d %H:%M:%S.###');
        i = b.next;
        field = strftimeMs(b.arg, rec.timeMs, c === 'D');
        break;
      }
      case 'E':
        field = rec.hostname;
        break;
      case 'm':
        field = rec.message.replace(/\n+$/, '');
        break;
      case 'N':
        field = String(rec.seq);
        break;
      case 'n':
        field = '\n';
        break;
      case 'p':
        field = rec.level.toUpperCase();
        break;
      case 'P':
        field = String(rec.pid);
        break;
      case 'r':
        field = String(Math.floor(rec.uptimeMs));
        break;
      case 't':
        field = 'main';
        break;
      case 'T':
        field = ''; // no subprograms (threads with names) in ovnts
        break;
      case undefined:
        field = '';
        break;
      default:
        field = c;
    }
    if (field.length < width) field = left ? field + pad.repeat(width - field.length) : field.padStart(width, pad);
    out += field;
  }
  return out;
}

/**
 * A line as the default file pattern writes it: time, sequence, module, level, message. Tools and tests
 * use it to check log files.
 */
export const VLOG_FILE_LINE =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|\d{5,}\|[A-Za-z0-9_]+(\([^)]*\))?\|(EMER|ERR|WARN|INFO|DBG)\|/;
