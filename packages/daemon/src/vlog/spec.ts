// The -v/--verbose and `vlog/set` specification language of OVS (see ovs-appctl(8), "vlog/set"):
// words separated by spaces, commas, colons or tabs naming at most one module, one destination and
// one level, in any order ("ANY" is a wildcard); "PATTERN:DEST:FORMAT" sets a destination's line
// format; "FACILITY:NAME" the syslog facility. Errors carry OVS's texts.
import { destinationFromName, levelFromName, type VlogDestination, type VlogLevel } from './levels.js';

export type VlogSpec =
  | {
      readonly kind: 'levels';
      /** null: every module. */
      readonly module: string | null;
      /** null: every destination. */
      readonly destination: VlogDestination | null;
      readonly level: VlogLevel;
    }
  | { readonly kind: 'pattern'; readonly destination: VlogDestination | null; readonly pattern: string }
  | { readonly kind: 'facility'; readonly facility: string };

export class VlogSpecError extends Error {
  override readonly name = 'VlogSpecError';
}

export const SYSLOG_FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'clock',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'clock2',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

const SEPARATORS = /[ ,:\t]/;

/** Split off the first word (skipping leading separators); rest starts after the separator that ended it. */
function nextWord(s: string): { word: string; rest: string } | undefined {
  let i = 0;
  while (i < s.length && SEPARATORS.test(s[i]!)) i++;
  if (i >= s.length) return undefined;
  let j = i;
  while (j < s.length && !SEPARATORS.test(s[j]!)) j++;
  return { word: s.slice(i, j), rest: s.slice(j + 1) };
}

/**
 * Parse one spec. `moduleOf` answers the canonical name of a known module (case-insensitive), or
 * undefined: unknown words are errors, as in OVS.
 */
export function parseVlogSpec(spec: string, moduleOf: (word: string) => string | undefined): VlogSpec {
  const first = nextWord(spec);
  if (first && first.word.toLowerCase() === 'pattern') {
    const d = nextWord(first.rest);
    if (!d) throw new VlogSpecError('missing destination');
    const any = d.word.toLowerCase() === 'any';
    const destination = any ? null : destinationFromName(d.word);
    if (destination === undefined) throw new VlogSpecError(`unknown destination "${d.word}"`);
    return { kind: 'pattern', destination, pattern: d.rest };
  }
  if (first && first.word.toLowerCase() === 'facility') {
    const facility = first.rest.toLowerCase();
    if (!(SYSLOG_FACILITIES as readonly string[]).includes(facility)) throw new VlogSpecError('invalid facility');
    return { kind: 'facility', facility };
  }
  let module: string | null = null;
  let destination: VlogDestination | null = null;
  let level: VlogLevel | null = null;
  for (let w = first; w; w = nextWord(w.rest)) {
    const word = w.word;
    if (word.toLowerCase() === 'any') continue;
    const dest = destinationFromName(word);
    const lvl = dest ? undefined : levelFromName(word);
    const mod = dest || lvl ? undefined : moduleOf(word);
    if (dest) {
      if (destination) throw new VlogSpecError('cannot specify multiple destinations');
      destination = dest;
    } else if (lvl) {
      if (level) throw new VlogSpecError('cannot specify multiple levels');
      level = lvl;
    } else if (mod) {
      if (module) throw new VlogSpecError('cannot specify multiple modules');
      module = mod;
    } else {
      throw new VlogSpecError(`no destination, level, or module "${word}"`);
    }
  }
  return { kind: 'levels', module, destination, level: level ?? 'dbg' };
}
