// pino stays the logging API of every package; this is the destination that turns its JSON lines into
// vlog lines (or, with --log-format=json, passes them through to the same destinations and levels).
// A record's module is what its `component` binding maps to, else its `module` binding, else the
// program's default module.
import { pino, type Logger } from 'pino';
import { levelFromPino, pinoThreshold, type VlogLevel } from './levels.js';
import type { Vlog } from './vlog.js';

export type ComponentModule = string | readonly [module: string, debugModule: string];

/** Fields of a pino record that are not shown as `key=value` after the message. */
const STANDARD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'module', 'name', 'component']);

export interface VlogLoggerOptions {
  /** Module of records that name none (e.g. `ovn_northd`, `main`). */
  readonly defaultModule: string;
  /**
   * pino `component` bindings used by shared packages → module; a pair names the module of its debug
   * records apart (an OVSDB client's connection events are `reconnect`'s, its messages `jsonrpc`'s).
   */
  readonly components?: Readonly<Record<string, ComponentModule>>;
}

function valueText(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'message' in v && typeof v.message === 'string') return JSON.stringify(v.message);
  return JSON.stringify(v) ?? String(v);
}

/** The text of one pino record: its message, then its other fields as key=value. */
export function recordText(rec: Record<string, unknown>): string {
  const msg = typeof rec['msg'] === 'string' ? rec['msg'] : '';
  const extras = Object.entries(rec)
    .filter(([k, v]) => !STANDARD_FIELDS.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${valueText(v)}`);
  return extras.length ? `${msg}${msg ? ' ' : ''}(${extras.join(', ')})` : msg;
}

/** A pino destination writing through `vlog`. */
export function vlogStream(vlog: Vlog, opts: VlogLoggerOptions): { write(line: string): void } {
  // A shared package's `component` (bound innermost, by the package itself) wins over a caller's `module`.
  const moduleOf = (rec: Record<string, unknown>, level: VlogLevel): string => {
    const c = rec['component'];
    const entry = typeof c === 'string' ? opts.components?.[c] : undefined;
    const mapped = typeof entry === 'string' ? entry : entry?.[level === 'dbg' ? 1 : 0];
    if (mapped && vlog.hasModule(mapped)) return mapped;
    const m = rec['module'];
    return typeof m === 'string' && vlog.hasModule(m) ? m : opts.defaultModule;
  };
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        vlog.log(opts.defaultModule, 'info', line.trimEnd());
        return;
      }
      const level: VlogLevel = levelFromPino(typeof rec['level'] === 'number' ? rec['level'] : 30);
      const time = typeof rec['time'] === 'number' ? rec['time'] : Date.now();
      vlog.log(moduleOf(rec, level), level, recordText(rec), time, line);
    },
  };
}

/**
 * A pino logger writing through `vlog`. pino itself lets every level through (child loggers keep the
 * level they were made with, and `vlog/set` changes levels at run time); a hook drops calls below the
 * most verbose level any destination wants before pino serialises them; `isLevelEnabled` answers by it.
 */
export function vlogLogger(vlog: Vlog, opts: VlogLoggerOptions): Logger {
  let threshold = pinoThreshold(vlog.maxLevel());
  vlog.onChange(() => (threshold = pinoThreshold(vlog.maxLevel())));
  const logger = pino(
    {
      level: 'trace',
      base: undefined,
      hooks: {
        logMethod(args, method, level) {
          if (level >= threshold) method.apply(this, args);
        },
      },
    },
    vlogStream(vlog, opts),
  );
  // Callers that build costly debug fields (the JSON-RPC messages, tens of MB on a cold start) ask
  // first: answer by the same threshold, not pino's own level (children inherit this).
  logger.isLevelEnabled = (level) => (logger.levels.values[level] ?? Infinity) >= threshold;
  return logger;
}
