// Log levels and destinations as OVS's vlog names them. Levels are ordered: a destination set to a
// level shows messages of that level and every more severe one; "off" shows nothing.

export const VLOG_LEVELS = ['off', 'emer', 'err', 'warn', 'info', 'dbg'] as const;
export type VlogLevel = (typeof VLOG_LEVELS)[number];

export const VLOG_DESTINATIONS = ['console', 'syslog', 'file'] as const;
export type VlogDestination = (typeof VLOG_DESTINATIONS)[number];

/** Position in VLOG_LEVELS: larger shows more. */
export function levelRank(level: VlogLevel): number {
  return VLOG_LEVELS.indexOf(level);
}

/** A level word as OVS accepts it (case-insensitive), or undefined. */
export function levelFromName(word: string): VlogLevel | undefined {
  const w = word.toLowerCase();
  return (VLOG_LEVELS as readonly string[]).includes(w) ? (w as VlogLevel) : undefined;
}

export function destinationFromName(word: string): VlogDestination | undefined {
  const w = word.toLowerCase();
  return (VLOG_DESTINATIONS as readonly string[]).includes(w) ? (w as VlogDestination) : undefined;
}

/** Syslog severity of each level (RFC 5424), for the syslog destination's %B. */
export const SYSLOG_SEVERITY: Readonly<Record<VlogLevel, number>> = {
  off: 1,
  emer: 1,
  err: 3,
  warn: 4,
  info: 5,
  dbg: 7,
};

/** pino's numeric levels → vlog levels (trace has no vlog equivalent: it is dbg too). */
export function levelFromPino(n: number): VlogLevel {
  if (n >= 60) return 'emer';
  if (n >= 50) return 'err';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  return 'dbg';
}

/** The lowest pino level that a vlog level lets through (Infinity for off). */
export function pinoThreshold(level: VlogLevel): number {
  return { off: Infinity, emer: 60, err: 50, warn: 40, info: 30, dbg: 10 }[level];
}
