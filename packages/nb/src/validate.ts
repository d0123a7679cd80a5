// Checks and parsers shared by the operations and the CLI: the "MAC IP..." strings of
// Logical_Switch_Port.addresses (addresses themselves are read and written by @ovnts/net), and numbers.
import { formatIp, normalizeMac, parsePrefixText } from '@ovnts/net';
import { NbError } from './errors.js';

export interface LspAddresses {
  readonly mac: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

/**
 * Parse a Logical_Switch_Port address string "MAC [IP[/LEN]]...". Returns undefined for the keywords
 * ("unknown", "router", "dynamic"...) and anything malformed.
 */
export function parseLspAddresses(s: string): LspAddresses | undefined {
  const words = s.trim().split(/\s+/);
  const mac = words[0] && normalizeMac(words[0]);
  if (!mac) return undefined;
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  for (const w of words.slice(1)) {
    const c = parsePrefixText(w);
    if (!c) return undefined;
    (c.addr.family === 4 ? ipv4 : ipv6).push(formatIp(c.addr));
  }
  return { mac, ipv4, ipv6 };
}

// ---- Numbers: the CLI's text is read the way ovn-nbctl reads it; the library takes numbers ----

/** The leading integer of `text` as strtol-style parsing reads it ("  12abc" → 12), NaN if there is none. */
export function leadingInt(text: string): number {
  const m = /^\s*[-+]?\d+/.exec(text);
  return m ? Number(m[0]) : NaN;
}

/** A priority 0..32767 (ACLs, QoS, routing policies, gateway and HA chassis); NbError naming it otherwise. */
export function checkPriority(priority: number): number {
  if (!Number.isInteger(priority) || priority < 0 || priority > 32767)
    throw new NbError(`${priority}: priority must in range 0...32767`);
  return priority;
}

/** A priority as the CLI gives it: the error names the text. */
export function parsePriority(arg: string): number {
  const p = leadingInt(arg);
  if (!(p >= 0 && p <= 32767)) throw new NbError(`${arg}: priority must in range 0...32767`);
  return p;
}
