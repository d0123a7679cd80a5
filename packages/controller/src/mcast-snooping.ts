// The multicast group table of one snooping switch, as OVS's mcast-snooping keeps it for ovn-controller:
// groups (by address) with their member ports (logical port keys), each membership expiring `idleS`
// after its last report, and ports behind multicast routers (a query came from there), expiring after
// 180 s. A table holding `maxEntries` groups forgets its least recently reported group for a new one.
// Reports from a multicast router's port join nothing (the router gets all traffic anyway).

/** How long a port that sent a query counts as a multicast router's. */
export const MROUTER_IDLE_S = 180;

/** OVS clamps the idle time to 15..3600 s and the table size to 10..1 000 000 groups. */
export const clampIdle = (s: number): number => Math.min(3600, Math.max(15, s));
export const clampEntries = (n: number): number => Math.min(1_000_000, Math.max(10, n));

export interface McastGroupState {
  /** The address as ovn-controller writes it (dotted IPv4, or compressed IPv6). */
  readonly address: string;
  /** Member port key → expiry (ms). */
  readonly ports: Map<number, number>;
}

export class McastSnoopTable {
  /** Groups by address, in least-recently-reported-first order (Map keeps insertion order). */
  private readonly groups = new Map<string, McastGroupState>();
  /** Multicast router port key → expiry (ms). */
  private readonly mrouterPorts = new Map<number, number>();
  private maxEntries: number;
  private idleS: number;

  constructor(maxEntries: number, idleS: number) {
    this.maxEntries = clampEntries(maxEntries);
    this.idleS = clampIdle(idleS);
  }

  configure(maxEntries: number, idleS: number, now: number): void {
    this.maxEntries = clampEntries(maxEntries);
    const idle = clampIdle(idleS);
    // Memberships keep their age: their expiry moves by the difference.
    if (idle !== this.idleS) {
      const delta = (idle - this.idleS) * 1000;
      for (const g of this.groups.values()) for (const [p, t] of g.ports) g.ports.set(p, t + delta);
      this.idleS = idle;
    }
    this.expire(now);
  }

  /** A report for `address` from `port`; true when the group is new. */
  join(address: string, port: number, now: number): boolean {
    if (this.mrouterPorts.has(port)) return false;
    let g = this.groups.get(address);
    let learned = false;
    if (g) this.groups.delete(address);
    else {
      if (this.groups.size >= this.maxEntries) {
        const oldest = this.groups.keys().next().value;
        if (oldest !== undefined) this.groups.delete(oldest);
      }
      g = { address, ports: new Map() };
      learned = true;
    }
    g.ports.set(port, now + this.idleS * 1000);
    this.groups.set(address, g);
    return learned;
  }

  /** A leave (or an INCLUDE record without sources) for `address` from `port`; true when it was a member. */
  leave(address: string, port: number): boolean {
    const g = this.groups.get(address);
    if (!g || !g.ports.delete(port)) return false;
    if (!g.ports.size) this.groups.delete(address);
    return true;
  }

  /** A query from `port`: a multicast router is there; true when it was not known. */
  addMrouter(port: number, now: number): boolean {
    const had = this.mrouterPorts.has(port);
    this.mrouterPorts.delete(port);
    this.mrouterPorts.set(port, now + MROUTER_IDLE_S * 1000);
    return !had;
  }

  /** Forget memberships and routers past their time; true when anything went. */
  expire(now: number): boolean {
    let changed = false;
    while (this.groups.size > this.maxEntries) {
      this.groups.delete(this.groups.keys().next().value!);
      changed = true;
    }
    for (const [a, g] of this.groups) {
      for (const [p, t] of g.ports)
        if (t <= now) {
          g.ports.delete(p);
          changed = true;
        }
      if (!g.ports.size) this.groups.delete(a);
    }
    for (const [p, t] of this.mrouterPorts)
      if (t <= now) {
        this.mrouterPorts.delete(p);
        changed = true;
      }
    return changed;
  }

  /** When the next membership or router expires (Infinity: nothing to expire). */
  nextExpiry(): number {
    let t = Infinity;
    for (const g of this.groups.values()) for (const e of g.ports.values()) t = Math.min(t, e);
    for (const e of this.mrouterPorts.values()) t = Math.min(t, e);
    return t;
  }

  flush(): void {
    this.groups.clear();
    this.mrouterPorts.clear();
  }

  /** The groups with at least one member. */
  entries(): Iterable<McastGroupState> {
    return this.groups.values();
  }
  mrouters(): number[] {
    return [...this.mrouterPorts.keys()];
  }
  has(address: string): boolean {
    return this.groups.has(address);
  }
}
