// Constants of the language: up to 128-bit unsigned integers held as bigint, tagged with the textual
// format they were written in (which decides e.g. how a decimal mask is read: a CIDR prefix for addresses).
// Address text itself is read by @ovnts/net.

export type ConstFormat = 'decimal' | 'hex' | 'ipv4' | 'ipv6' | 'mac';

/** Bits needed to hold v (0 for 0). */
export function bitLength(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}
