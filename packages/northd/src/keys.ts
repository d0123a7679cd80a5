// Tunnel key allocation. Keys are stable: the caller first claims keys that are requested
// (options:requested-tnl-key) or already in the SB, then allocates the rest sequentially from a hint,
// wrapping, so unrelated changes never renumber existing datapaths or ports.

/** Key ranges of OVN 23.03 (geneve/stt) and their VXLAN-mode limits. */
export const KEY_RANGES = {
  datapath: { min: 1, max: 0xff0000 }, // 16711680: above it lies the interconnect range
  datapathVxlan: { min: 1, max: 4095 },
  port: { min: 1, max: 32767 },
  portVxlan: { min: 1, max: 2047 },
} as const;

export const MC_KEYS = {
  _MC_flood: 32768,
  _MC_unknown: 32769,
  _MC_mrouter_flood: 32770,
  _MC_static: 32771,
  _MC_flood_l2: 32772,
} as const;
export type McGroupName = keyof typeof MC_KEYS;

export class KeyAllocator {
  private readonly used = new Set<number>();
  private hint: number;

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    this.hint = min;
  }

  inRange(k: number): boolean {
    return Number.isInteger(k) && k >= this.min && k <= this.max;
  }

  /** Claim a specific key; false if out of range or taken. */
  claim(k: number): boolean {
    if (!this.inRange(k) || this.used.has(k)) return false;
    this.used.add(k);
    return true;
  }

  /** The next free key after the previous allocation, or null when the range is exhausted. */
  allocate(): number | null {
    const span = this.max - this.min + 1;
    if (this.used.size >= span) return null;
    let k = this.hint;
    for (let i = 0; i < span; i++) {
      if (!this.used.has(k)) {
        this.used.add(k);
        this.hint = k === this.max ? this.min : k + 1;
        return k;
      }
      k = k === this.max ? this.min : k + 1;
    }
    return null;
  }
}

/** Parse options:requested-tnl-key; null when absent or not a positive integer. */
export function requestedKey(v: string | undefined): number | null {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  const n = Number(v);
  return n > 0 ? n : null;
}
