// Acceptance: every column of every table of NB and SB round-trips (insert, select, update, mutate on sets
// and maps) and what the client reads equals what `ovsdb-client dump` prints for the same database.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { model as nbModel } from '@ovnts/schema/nb';
import { model as sbModel } from '@ovnts/schema/sb';
import {
  columnKind,
  decodeDump,
  OvsdbClient,
  type BaseType,
  type ColumnType,
  type DatabaseModel,
  type NamedUuid,
  type TableSchema,
} from 'ovsdb-client-ts';

let salt = 0;

/** A valid atom for `base`; `n` picks among values so rows and variants differ (unique indexes). */
function atom(base: BaseType, n: number): unknown {
  if (base.enum) return base.enum[n % base.enum.length];
  switch (base.type) {
    case 'integer': {
      const lo = base.minInteger ?? 0;
      const hi = base.maxInteger ?? lo + 1_000_000;
      return lo + (n % (hi - lo + 1));
    }
    case 'real': {
      const lo = base.minReal ?? 0;
      const hi = base.maxReal ?? lo + 1e6;
      return Math.min(hi, lo + (n % 1000) + 0.25);
    }
    case 'boolean':
      return n % 2 === 1;
    case 'string': {
      // Quotes, braces, backslashes and non-ASCII exercise the encoder and the framer.
      let s = `v${n}-"{[\\]}-é→${n}`;
      if (base.maxLength !== undefined) s = `${n}`.slice(-base.maxLength).padStart(Math.min(base.maxLength, 1), 'x');
      if (base.minLength !== undefined && s.length < base.minLength) s = s.padEnd(base.minLength, 'x');
      return s;
    }
    case 'uuid':
      throw new Error('refs are built by the caller');
  }
}

function distinctAtoms(base: BaseType, count: number, n: number): unknown[] {
  const seen = new Map<string, unknown>();
  for (let i = 0; seen.size < count && i < count * 10; i++) {
    const a = atom(base, n + i * 7919);
    seen.set(JSON.stringify(a), a);
  }
  return [...seen.values()];
}

class RowBuilder {
  readonly inserts: { table: string; ref: NamedUuid }[] = [];
  constructor(
    private readonly model: DatabaseModel,
    private readonly txn: ReturnType<OvsdbClient['transaction']>,
  ) {}

  private table(name: string): TableSchema {
    return this.model.schema.tables[name]!;
  }

  private refValue(base: BaseType, depth: number): NamedUuid | undefined {
    if (!base.refTable || depth > 3) return undefined;
    return this.insert(base.refTable, false, depth + 1);
  }

  value(type: ColumnType, n: number, depth: number, withRefs: boolean): unknown {
    const uuidish = type.key.type === 'uuid' || type.value?.type === 'uuid';
    const kind = columnKind(type);
    if (uuidish) {
      if (!withRefs) return undefined;
      if (kind === 'map') {
        const key = type.key.type === 'uuid' ? this.refValue(type.key, depth) : atom(type.key, n);
        const val = type.value!.type === 'uuid' ? this.refValue(type.value!, depth) : atom(type.value!, n);
        if (key === undefined || val === undefined) return undefined;
        return type.key.type === 'uuid' ? undefined : { [String(key)]: val };
      }
      const r = this.refValue(type.key, depth);
      if (r === undefined) return undefined;
      return kind === 'set' ? [r] : r;
    }
    switch (kind) {
      case 'scalar':
      case 'optional':
        return atom(type.key, n);
      case 'set':
        return distinctAtoms(type.key, Math.max(type.min, Math.min(type.max, 2)), n);
      case 'map': {
        const keys = distinctAtoms(type.key, Math.max(type.min, Math.min(type.max, 2)), n);
        const out: Record<string, unknown> = {};
        keys.forEach((k, i) => (out[String(k)] = atom(type.value!, n + i)));
        return out;
      }
    }
  }

  /** Insert a row of `table`: every column (full) or just the ones without a valid default. */
  insert(table: string, full: boolean, depth = 0): NamedUuid {
    const ts = this.table(table);
    const n = ++salt;
    const row: Record<string, unknown> = {};
    for (const [name, col] of Object.entries(ts.columns)) {
      const required = columnKind(col.type) === 'scalar' || col.type.min > 0;
      if (!full && !required) continue;
      const v = this.value(col.type, n, depth, full || required);
      if (v !== undefined) row[name] = v;
    }
    const ref = this.txn.insert(table as never, row as never);
    this.inserts.push({ table, ref });
    // A non-root row survives only if something refers to it: give it a parent.
    if (!ts.isRoot && depth < 3) {
      for (const parent of Object.values(this.model.schema.tables)) {
        const col = Object.values(parent.columns).find(
          (c) => c.type.key.refTable === table && c.type.key.refType === 'strong' && !c.type.value,
        );
        if (!col) continue;
        // Singleton tables (NB_Global, SB_Global) already have their row: add to it.
        const where = parent.maxRows === 1 ? [] : [['_uuid', '==', this.insert(parent.name, false, depth + 1)]];
        if (col.type.max === 1) this.txn.update(parent.name as never, where as never, { [col.name]: ref } as never);
        else this.txn.mutate(parent.name as never, where as never, [[col.name, 'insert', [ref]]] as never);
        break;
      }
    }
    return ref;
  }
}

async function dump(sb: { runOk(cmd: string, args: string[]): Promise<string> }, remote: string, m: DatabaseModel) {
  return decodeDump(m.schema, await sb.runOk('ovsdb-client', ['dump', '-f', 'json', remote, m.schema.name]));
}

/** Everything the client selects, per table, without _version (the dump does not print it). */
async function selectAll(client: OvsdbClient, m: DatabaseModel) {
  const txn = client.transaction(m);
  const refs = Object.keys(m.schema.tables).map((t) => [t, txn.select(t as never, [])] as const);
  const res = await txn.commit();
  const out: Record<string, Map<string, Record<string, unknown>>> = {};
  for (const [t, ref] of refs) {
    out[t] = new Map(
      res.rows(ref).map((r) => {
        const { _version, ...rest } = r as Record<string, unknown>;
        return [rest['_uuid'] as string, rest];
      }),
    );
  }
  return out;
}

describe('ovsdb-client-ts round-trips every column type against ovsdb-client dump', () => {
  const sandbox = useSandbox();

  for (const [kind, m] of [
    ['nb', nbModel],
    ['sb', sbModel],
  ] as const) {
    it(`${m.schema.name}: insert/select/update/mutate of every table equals the dump`, async () => {
      const sb = sandbox();
      const server = await sb.startDb(kind);
      const client = await OvsdbClient.connect(server.remotes.unix);
      try {
        const tested = new Map<string, string>(); // table → uuid of its fully populated row
        // Insert one fully populated row per table (plus the rows it refers to).
        // Singletons first, so later rows can hang their children off them.
        const order = Object.values(m.schema.tables).sort((a, b) => Number(b.maxRows === 1) - Number(a.maxRows === 1));
        for (const { name: table } of order) {
          const txn = client.transaction(m);
          const b = new RowBuilder(m, txn);
          const ref = b.insert(table, true);
          const res = await txn.commit();
          tested.set(table, res.uuidOf(ref));
        }
        const afterInsert = await selectAll(client, m);
        expect(afterInsert).toEqual(await dump(sb, server.remotes.unix, m));
        for (const [table, uuid] of tested) expect(afterInsert[table]!.has(uuid), `${table} row kept`).toBe(true);

        // Update every mutable non-reference column of each tested row to another valid value.
        const txn = client.transaction(m);
        const expected = new Map<string, Record<string, unknown>>();
        for (const [table, uuid] of tested) {
          const ts = m.schema.tables[table]!;
          const b = new RowBuilder(m, txn);
          const row: Record<string, unknown> = {};
          const n = ++salt + 100_000;
          for (const [name, col] of Object.entries(ts.columns)) {
            if (!col.mutable) continue;
            const v = b.value(col.type, n, 0, false);
            if (v !== undefined) row[name] = v;
          }
          txn.update(table as never, [['_uuid', '==', uuid]] as never, row as never);
          expected.set(table, row);
        }
        await txn.commit();
        const afterUpdate = await selectAll(client, m);
        expect(afterUpdate).toEqual(await dump(sb, server.remotes.unix, m));
        for (const [table, row] of expected) {
          const got = afterUpdate[table]!.get(tested.get(table)!)!;
          for (const [c, v] of Object.entries(row)) {
            const kindOf = columnKind(m.schema.tables[table]!.columns[c]!.type);
            if (kindOf === 'set')
              expect(new Set(got[c] as unknown[]), `${table}.${c}`).toEqual(new Set(v as unknown[]));
            else expect(got[c], `${table}.${c}`).toEqual(v);
          }
        }

        // Mutate: add an element to each unbounded set and a key to each map, delete one map key.
        const mtxn = client.transaction(m);
        let mutations = 0;
        for (const [table, uuid] of tested) {
          const ts = m.schema.tables[table]!;
          const row = afterUpdate[table]!.get(uuid)!;
          for (const [name, col] of Object.entries(ts.columns)) {
            const t = col.type;
            if (!col.mutable || t.max !== Infinity || t.key.type === 'uuid' || t.value?.type === 'uuid' || t.key.enum)
              continue;
            const where = [['_uuid', '==', uuid]] as never;
            if (columnKind(t) === 'set') {
              const fresh = atom(t.key, ++salt + 500_000);
              mtxn.mutate(table as never, where, [[name, 'insert', [fresh]]] as never);
              mutations++;
            } else if (columnKind(t) === 'map') {
              const current = Object.keys(row[name] as Record<string, unknown>);
              const k = atom(t.key, ++salt + 700_000);
              const muts: unknown[] = [[name, 'insert', { [String(k)]: atom(t.value!, salt) }]];
              if (current.length > t.min)
                muts.push([name, 'delete', [t.key.type === 'string' ? current[0] : Number(current[0])]]);
              mtxn.mutate(table as never, where, muts as never);
              mutations++;
            }
          }
        }
        expect(mutations).toBeGreaterThan(20);
        await mtxn.commit();
        expect(await selectAll(client, m)).toEqual(await dump(sb, server.remotes.unix, m));
      } finally {
        await client.close();
      }
    });
  }
});
