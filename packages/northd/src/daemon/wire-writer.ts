// An SbWriter that encodes straight to OVSDB wire operations. A cold round inserts ~50k rows; encoding
// them with the schema's column kinds precomputed per table is several times cheaper than a generic
// per-value encoder, and the result goes out through the client's raw `transact`.
import type { NamedUuid, OvsdbClient, TableSchema, Uuid, WireOperation, WireResult } from 'ovsdb-client-ts';
import { columnKind, OvsdbError } from 'ovsdb-client-ts';
import { schema as sbSchema } from '@ovnts/schema/sb';
import type { SbWriter } from '../sb-diff.js';

type Encoder = (v: unknown) => unknown;

const atom = (isUuid: boolean): Encoder =>
  isUuid
    ? (v) =>
        typeof v === 'object' && v !== null && 'namedUuid' in v
          ? ['named-uuid', (v as NamedUuid).namedUuid]
          : ['uuid', v]
    : (v) => v;

function columnEncoder(ts: TableSchema, column: string): Encoder {
  const col = ts.columns[column];
  if (!col) throw new OvsdbError('unknown column', `${ts.name}.${column}`);
  const key = atom(col.type.key.type === 'uuid');
  switch (columnKind(col.type)) {
    case 'scalar':
      return key;
    case 'optional':
      return (v) => (v === null || v === undefined ? ['set', []] : key(v));
    case 'set':
      return (v) => ['set', (v as unknown[]).map(key)];
    case 'map': {
      const val = atom(col.type.value?.type === 'uuid');
      return (v) => ['map', Object.entries(v as Record<string, unknown>).map(([k, x]) => [key(k), val(x)])];
    }
  }
}

const encoders = new Map<string, Map<string, Encoder>>();
function encodeRow(table: string, row: Record<string, unknown>): Record<string, unknown> {
  let t = encoders.get(table);
  if (!t) encoders.set(table, (t = new Map()));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    let e = t.get(k);
    if (!e) t.set(k, (e = columnEncoder(sbSchema.tables[table]!, k)));
    out[k] = e(v);
  }
  return out;
}

/** Server-assigned UUIDs of the rows a committed WireWriter inserted. */
export interface InsertedUuids {
  uuidOf<T extends string>(ref: NamedUuid<T>): Uuid<T>;
}

export class WireWriter implements SbWriter {
  readonly ops: WireOperation[] = [];
  private readonly insertIndex = new Map<string, number>();
  private n = 0;

  constructor(lock?: string) {
    if (lock) this.ops.push({ op: 'assert', lock } as WireOperation);
  }

  insert<T extends string>(table: T, row: Record<string, unknown>): NamedUuid<T> {
    const name = `row${this.n++}`;
    this.insertIndex.set(name, this.ops.length);
    this.ops.push({ op: 'insert', table, 'uuid-name': name, row: encodeRow(table, row) } as WireOperation);
    return { namedUuid: name, table };
  }

  update(table: string, uuid: Uuid, row: Record<string, unknown>): void {
    this.ops.push({
      op: 'update',
      table,
      where: [['_uuid', '==', ['uuid', uuid]]],
      row: encodeRow(table, row),
    } as WireOperation);
  }

  delete(table: string, uuid: Uuid): void {
    this.ops.push({ op: 'delete', table, where: [['_uuid', '==', ['uuid', uuid]]] } as WireOperation);
  }

  comment(text: string): void {
    this.ops.push({ op: 'comment', comment: text } as WireOperation);
  }

  async commit(client: OvsdbClient): Promise<InsertedUuids> {
    const results: WireResult[] = await client.transact('OVN_Southbound', this.ops);
    const index = this.insertIndex;
    return {
      uuidOf<T extends string>(ref: NamedUuid<T>): Uuid<T> {
        const i = index.get(ref.namedUuid);
        const u = i === undefined ? undefined : (results[i] as { uuid?: [string, string] } | undefined)?.uuid?.[1];
        if (!u) throw new OvsdbError('no such insert', ref.namedUuid);
        return u as Uuid<T>;
      },
    };
  }
}
