// Unsigned integers from and to network-order bytes, as packets carry addresses.

export function uintFromBytes(b: Uint8Array, len: number): bigint {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(b[i] ?? 0);
  return v;
}

export function uintToBytes(v: bigint, len: number): Buffer {
  return Buffer.from(v.toString(16).padStart(len * 2, '0'), 'hex');
}
