// A real NB kept identical to a MemNb: each transaction MemNb accepted is replayed on the server with the
// UUIDs MemNb gave its rows (the insert operation's "uuid" member), so later edits, which name rows by
// UUID, mean the same rows on both. Used by the soak, which draws random edits from the MemNb.
import { OvsdbClient } from 'ovsdb-client-ts';
import { schema } from '@ovnts/schema/nb';
import type { MemNb } from './mem-nb.js';

type Json = unknown;

function isObject(x: Json): x is Record<string, Json> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Replace every ["named-uuid", n] by ["uuid", names(n)]. */
function resolveNames(x: Json, names: ReadonlyMap<string, string>): Json {
  if (Array.isArray(x)) {
    if (x.length === 2 && x[0] === 'named-uuid' && typeof x[1] === 'string') {
      const u = names.get(x[1]);
      if (!u) throw new Error(`nb-mirror: named-uuid ${x[1]} has no insert in this transaction`);
      return ['uuid', u];
    }
    return x.map((y) => resolveNames(y, names));
  }
  if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, resolveNames(v, names)]));
  return x;
}

/**
 * `ops` as the real server must run them to create the rows MemNb created: `inserted` is what
 * `MemNb.transact(ops)` returned (the inserted UUIDs in operation order). Named-uuids become those UUIDs.
 */
export function withMemNbUuids(ops: readonly Json[], inserted: readonly string[]): Record<string, Json>[] {
  const names = new Map<string, string>();
  const uuidOfOp = new Map<number, string>();
  let k = 0;
  ops.forEach((op, i) => {
    if (!isObject(op) || op['op'] !== 'insert') return;
    const u = inserted[k++];
    if (!u) throw new Error(`nb-mirror: insert ${i} has no UUID from MemNb`);
    uuidOfOp.set(i, u);
    if (typeof op['uuid-name'] === 'string') names.set(op['uuid-name'], u);
  });
  return ops.map((op, i) => {
    if (!isObject(op)) throw new Error(`nb-mirror: operation ${i} is not an object`);
    const out: Record<string, Json> = {};
    for (const [key, v] of Object.entries(op)) if (key !== 'uuid-name') out[key] = resolveNames(v, names);
    const u = uuidOfOp.get(i);
    if (u) out['uuid'] = u;
    return out;
  });
}

/**
 * Root tables that non-root rows reference strongly (e.g. Address_Set from NAT). The server checks strong
 * references before its commit-time garbage collection, so in a batch a non-root row orphaned by an earlier
 * edit (a NAT whose router went) still holds its references there, while MemNb has collected it already.
 */
const GC_SENSITIVE = new Set(
  Object.values(schema.tables)
    .filter((t) => !t.isRoot)
    .flatMap((t) => Object.values(t.columns).flatMap((c) => [c.type.key, c.type.value]))
    .filter((b) => b?.refTable && b.refType !== 'weak')
    .map((b) => b!.refTable!)
    .filter((name) => schema.tables[name as keyof typeof schema.tables]?.isRoot),
);

/** A MemNb and a real NB it is replayed on. `apply` changes both, or neither (MemNb refused the edit). */
export class NbMirror {
  private staged: Record<string, Json>[] = [];

  private constructor(
    readonly mem: MemNb,
    private readonly client: OvsdbClient,
  ) {}

  /** Connect to `remote` and make its NB equal `mem` (whose rows must all come from `startOps`). */
  static async start(remote: string, mem: MemNb, startOps: readonly Json[]): Promise<NbMirror> {
    const client = await OvsdbClient.connect(remote, { inactivityProbeMs: 0 });
    const m = new NbMirror(mem, client);
    const inserted = mem.transact(startOps);
    mem.takeChanges();
    // The server's NB was initialised (`ovn-nbctl init`): MemNb brings its own NB_Global.
    await m.send([{ op: 'delete', table: 'NB_Global', where: [] }, ...withMemNbUuids(startOps, inserted)]);
    return m;
  }

  /** Apply `ops` to MemNb and, if it accepted them, to the server. False when MemNb refused them. */
  async apply(ops: readonly Json[]): Promise<boolean> {
    let inserted: string[];
    try {
      inserted = this.mem.transact(ops);
    } catch {
      return false; // a transaction the server would refuse too: nothing changes
    }
    this.mem.takeChanges();
    await this.send(withMemNbUuids(ops, inserted));
    return true;
  }

  /**
   * Batching: `stage` applies an edit to MemNb at once (so the next edit is drawn from the state after it) and
   * keeps its operations; `flush` sends everything staged as one server transaction. The server runs the same
   * operations in the same order, but garbage collection and unique-index checks happen once at its commit:
   * an edit that re-creates what an earlier one in the batch removed could differ, and a refusal then leaves
   * MemNb ahead of the server (flush's error says so; the caller must stop).
   */
  stage(ops: readonly Json[]): boolean {
    let inserted: string[];
    try {
      inserted = this.mem.transact(ops);
    } catch {
      return false;
    }
    this.mem.takeChanges();
    this.staged.push(...withMemNbUuids(ops, inserted));
    return true;
  }

  /** True if `ops` delete a row that must not share a batch with earlier edits (see GC_SENSITIVE): flush first. */
  static startsBatch(ops: readonly Json[]): boolean {
    return ops.some((o) => isObject(o) && o['op'] === 'delete' && GC_SENSITIVE.has(String(o['table'])));
  }

  async flush(): Promise<void> {
    const ops = this.staged;
    this.staged = [];
    if (!ops.length) return;
    await this.send(ops).catch((e: unknown) => {
      throw new Error(`nb-mirror: the server refused a batch MemNb accepted (they now differ): ${String(e)}`, {
        cause: e,
      });
    });
  }

  private async send(ops: readonly Record<string, Json>[]): Promise<void> {
    await this.client.transactEncoded(
      'OVN_Northbound',
      ops.map((o) => JSON.stringify(o)),
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
