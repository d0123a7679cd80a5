// Text renderings of field values, matching OVS's printers (hex without padding, dotted quads with CIDR
// suffixes, inet_ntop IPv6, flag lists) and their inverses. Addresses themselves are @ovnts/net's.
import { formatIpv4, formatIpv6, formatMac, prefixLength, prefixMask } from '@ovnts/net';
import { OFPP } from '../model/actions.js';
import { ipv4, ipv6, mac } from '../model/match.js';

// The plain address printers are @ovnts/net's; the printers here add OVS's mask suffixes.
export { formatIpv4, formatIpv6, formatMac };

export function hex(v: bigint): string {
  return v === 0n ? '0' : '0x' + v.toString(16);
}

export function formatIpv4Masked(v: bigint, mask: bigint | undefined): string {
  if (mask === undefined || mask === 0xffffffffn) return formatIpv4(v);
  const p = prefixLength(mask, 32);
  return `${formatIpv4(v)}/${p === undefined ? formatIpv4(mask) : p}`;
}

export function formatIpv6Masked(v: bigint, mask: bigint | undefined): string {
  const all = (1n << 128n) - 1n;
  if (mask === undefined || mask === all) return formatIpv6(v);
  const p = prefixLength(mask, 128);
  return `${formatIpv6(v)}/${p === undefined ? formatIpv6(mask) : p}`;
}

export function formatMacMasked(v: bigint, mask: bigint | undefined): string {
  if (mask === undefined || mask === 0xffffffffffffn) return formatMac(v);
  return `${formatMac(v)}/${formatMac(mask)}`;
}

const PORT_NAMES: ReadonlyArray<[number, string]> = [
  [OFPP.IN_PORT, 'IN_PORT'],
  [OFPP.TABLE, 'TABLE'],
  [OFPP.NORMAL, 'NORMAL'],
  [OFPP.FLOOD, 'FLOOD'],
  [OFPP.ALL, 'ALL'],
  [OFPP.CONTROLLER, 'CONTROLLER'],
  [OFPP.LOCAL, 'LOCAL'],
  [OFPP.ANY, 'ANY'],
  [OFPP.UNSET, 'UNSET'],
];
const portToName = new Map(PORT_NAMES);
const nameToPort = new Map(PORT_NAMES.map(([n, s]) => [s, n]));
nameToPort.set('NONE', OFPP.ANY);

export function formatPort(p: number): string {
  return portToName.get(p) ?? String(p);
}

export function parsePort(s: string): number {
  const named = nameToPort.get(s.toUpperCase());
  if (named !== undefined) return named;
  if (!/^\d+$/.test(s)) throw new TypeError(`bad port ${s}`);
  const n = Number(s);
  // OF1.0 16-bit reserved numbers map onto their 32-bit equivalents.
  return n >= 0xff00 && n <= 0xffff ? n + 0xffff0000 : n;
}

export const CT_STATE_BITS = ['new', 'est', 'rel', 'rpl', 'inv', 'trk', 'snat', 'dnat'] as const;
export const TCP_FLAG_BITS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'] as const;

/** Flags printed "+a-b" (partial mask, lowest bit first) or "a|b" (full mask). */
export function formatFlags(names: readonly string[], v: bigint, mask: bigint | undefined, fullMask: bigint): string {
  const name = (bit: number) => names[bit];
  if (mask === undefined || mask === fullMask) {
    if (v === 0n) return '0';
    const out: string[] = [];
    let bad = 0n;
    for (let b = 0; v >> BigInt(b); b++) {
      if (!((v >> BigInt(b)) & 1n)) continue;
      const n = name(b);
      if (n) out.push(n);
      else bad |= 1n << BigInt(b);
    }
    if (bad) out.push('0x' + bad.toString(16));
    return out.join('|');
  }
  if (mask === 0n) return '0/0';
  let s = '';
  for (let b = 0; mask >> BigInt(b); b++) {
    if (!((mask >> BigInt(b)) & 1n)) continue;
    s += ((v >> BigInt(b)) & 1n ? '+' : '-') + (name(b) ?? '[Unknown]');
  }
  return s;
}

export function parseFlags(names: readonly string[], text: string, fullMask: bigint): { value: bigint; mask?: bigint } {
  const bit = (n: string) => {
    const i = names.indexOf(n);
    if (i < 0) throw new TypeError(`unknown flag ${n}`);
    return 1n << BigInt(i);
  };
  if (/^[+-]/.test(text)) {
    let value = 0n;
    let mask = 0n;
    for (const m of text.matchAll(/([+-])([a-z]+)/g)) {
      const b = bit(m[2]!);
      mask |= b;
      if (m[1] === '+') value |= b;
    }
    return mask === fullMask ? { value } : { value, mask };
  }
  if (text === '0') return { value: 0n };
  if (/^0x|^\d/.test(text)) return parseNumberMasked(text);
  return { value: text.split('|').reduce((v, n) => v | bit(n), 0n) };
}

export function parseNumber(s: string): bigint {
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(s)) throw new TypeError(`bad number ${s}`);
  return BigInt(s);
}

export function parseNumberMasked(s: string): { value: bigint; mask?: bigint } {
  const [v, m] = s.split('/');
  return m === undefined ? { value: parseNumber(v!) } : { value: parseNumber(v!), mask: parseNumber(m) };
}

export function parseIpv4Masked(s: string): { value: bigint; mask?: bigint } {
  const [a, m] = s.split('/');
  const value = ipv4(a!);
  if (m === undefined) return { value };
  const mask = m.includes('.') ? ipv4(m) : prefixMask(Number(m), 32);
  return mask === 0xffffffffn ? { value } : { value, mask };
}

export function parseIpv6Masked(s: string): { value: bigint; mask?: bigint } {
  const i = s.indexOf('/');
  const value = ipv6(i < 0 ? s : s.slice(0, i));
  if (i < 0) return { value };
  const m = s.slice(i + 1);
  const all = (1n << 128n) - 1n;
  const mask = m.includes(':') ? ipv6(m) : prefixMask(Number(m), 128);
  return mask === all ? { value } : { value, mask };
}

export function parseMacMasked(s: string): { value: bigint; mask?: bigint } {
  const [a, m] = s.split('/');
  const value = mac(a!);
  if (m === undefined) return { value };
  const mask = mac(m);
  return mask === 0xffffffffffffn ? { value } : { value, mask };
}

/** Hex bytes as OVS prints userdata/notes: "01.02.0a". */
export function formatHexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('.');
}

export function parseHexBytes(s: string): Uint8Array {
  const clean = s.replace(/[.:]/g, '');
  if (clean.length % 2 || !/^[0-9a-fA-F]*$/.test(clean)) throw new TypeError(`bad hex bytes ${s}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}
