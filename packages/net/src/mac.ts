// Ethernet addresses as 48-bit bigints, and their "xx:xx:xx:xx:xx:xx" text.
import { uintFromBytes, uintToBytes } from './bytes.js';

export type Mac = bigint;

const HEX_BYTE = '[0-9a-fA-F]{1,2}';
const MAC_RE = new RegExp(`^(${HEX_BYTE}):(${HEX_BYTE}):(${HEX_BYTE}):(${HEX_BYTE}):(${HEX_BYTE}):(${HEX_BYTE})$`);
const MAC_PREFIX_RE = new RegExp(`^${HEX_BYTE}(:${HEX_BYTE}){5}`);
const STRICT_MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A MAC with one or two hex digits per byte, as OVS's scanner reads it; null if malformed. */
export function parseMac(s: string): Mac | null {
  const m = MAC_RE.exec(s);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 6; i++) v = (v << 8n) | BigInt(parseInt(m[i]!, 16));
  return v;
}

/** Lower-case, two digits per byte. */
export function formatMac(mac: Mac): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--) parts.push(((mac >> BigInt(i * 8)) & 0xffn).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** The canonical text of a MAC written loosely ("0A:1:22:aa:bb:cc" → "0a:01:22:aa:bb:cc"), or undefined. */
export function normalizeMac(s: string): string | undefined {
  const m = parseMac(s);
  return m === null ? undefined : formatMac(m);
}

/** A MAC written exactly "xx:xx:xx:xx:xx:xx" (two hex digits per byte). */
export function isMac(s: string): boolean {
  return STRICT_MAC_RE.test(s);
}

/** True if `s` starts with a MAC the way ovn-nbctl's scanner accepts it (1–2 hex digits per byte). */
export function startsWithMac(s: string): boolean {
  return MAC_PREFIX_RE.test(s);
}

export function macFromBytes(b: Uint8Array): Mac {
  return uintFromBytes(b, 6);
}

export function macToBytes(mac: Mac): Buffer {
  return uintToBytes(mac, 6);
}

export function isMulticastMac(mac: Mac): boolean {
  return ((mac >> 40n) & 1n) === 1n;
}
