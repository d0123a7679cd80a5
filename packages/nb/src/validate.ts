// The "MAC IP..." strings of Logical_Switch_Port.addresses. Addresses themselves are read and written by
// @ovnts/net.
import { formatIp, normalizeMac, parsePrefixText } from '@ovnts/net';

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
