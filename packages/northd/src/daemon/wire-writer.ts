// An SbWriter that encodes straight to OVSDB wire text. A cold round inserts ~70k rows (~25 MB): each
// operation is encoded once, as JSON text, by per-column encoders built from the schema, into UTF-8
// buffers the client writes to the socket as they are (no operation objects, no JSON.stringify of the
// whole transaction, no strings kept: a concatenated string is a rope of small heap objects). Inserts leave out columns whose value is the column's default (an empty set or
// map): the server fills those in, so the row is the same and the server parses less.
import type { NamedUuid, OvsdbClient, TableSchema, Uuid, WireResult } from 'ovsdb-client-ts';
import { columnKind, EncodedOps, OvsdbError } from 'ovsdb-client-ts';
import { schema as sbSchema } from '@ovnts/schema/sb';
import type { SbWriter } from '../sb-diff.js';

/** Encodes a column value as wire JSON text (undefined for an undefined scalar: the column is left out). */
type Encoder = (v: unknown) => string | undefined;

const EMPTY_SET = '["set",[]]';
const EMPTY_MAP = '["map",[]]';

const str = (v: unknown): string => JSON.stringify(v);
const scalar = (v: unknown): string | undefined => (v === undefined ? undefined : JSON.stringify(v));

const uuidAtom = (v: unknown): string =>
  typeof v === 'object' && v !== null && 'namedUuid' in v
    ? `["named-uuid","${(v as NamedUuid).namedUuid}"]`
    : `["uuid","${v as string}"]`;

function columnEncoder(ts: TableSchema, column: string): Encoder {
  const col = ts.columns[column];
  if (!col) throw new OvsdbError('unknown column', `${ts.name}.${column}`);
  const key = col.type.key.type === 'uuid' ? uuidAtom : str;
  switch (columnKind(col.type)) {
    case 'scalar':
      return key === str ? scalar : (v) => (v === undefined ? undefined : key(v));
    case 'optional':
      return (v) => (v === null || v === undefined ? EMPTY_SET : key(v));
    case 'set':
      return (v) => {
        const a = v as readonly unknown[];
        if (!a.length) return EMPTY_SET;
        let out = '["set",[' + key(a[0]);
        for (let i = 1; i < a.length; i++) out += ',' + key(a[i]);
        return out + ']]';
      };
    case 'map': {
      const val = col.type.value?.type === 'uuid' ? uuidAtom : str;
      return (v) => {
        let out = '';
        const m = v as Record<string, unknown>;
        for (const k in m) out += (out ? ',[' : '[') + key(k) + ',' + val(m[k]) + ']';
        return out ? '["map",[' + out + ']]' : EMPTY_MAP;
      };
    }
  }
}

/** Per table: column name → [quoted name + ':', encoder]. */
const encoders = new Map<string, Map<string, readonly [string, Encoder]>>();

/** Append `{"col":value,…}`; with `omitDefaults`, empty sets and maps are left out (inserts only). */
function encodeRow(out: EncodedOps, table: string, row: Record<string, unknown>, omitDefaults: boolean): void {
  let t = encoders.get(table);
  if (!t) encoders.set(table, (t = new Map()));
  let sep = '{';
  for (const k in row) {
    let e = t.get(k);
    if (!e) t.set(k, (e = [`${str(k)}:`, columnEncoder(sbSchema.tables[table]!, k)]));
    const v = e[1](row[k]);
    if (v === undefined || (omitDefaults && (v === EMPTY_SET || v === EMPTY_MAP))) continue;
    out.text(sep + e[0]).text(v);
    sep = ',';
  }
  out.text(sep === '{' ? '{}' : '}');
}

/** `"external_ids":…` of a flow row per stage name (a few dozen distinct values). */
const stageNameIds = new Map<string, string>();

/**
 * A Logical_Flow insert row as flowRow() builds it (the bulk of a cold transaction) in one template,
 * without per-column lookups; undefined for any other shape (the generic encoder takes it).
 */
function encodeFlowRow(row: Record<string, unknown>): string | undefined {
  const { pipeline, table_id, priority, match, actions, external_ids, logical_datapath, logical_dp_group, tags } = row;
  const meter = row['controller_meter'];
  if (meter !== undefined && typeof meter !== 'string') return undefined;
  const ext = external_ids as Record<string, string> | undefined;
  const stage = ext?.['stage-name'];
  if (typeof stage !== 'string' || typeof match !== 'string' || typeof actions !== 'string') return undefined;
  if ((pipeline !== 'ingress' && pipeline !== 'egress') || typeof table_id !== 'number' || typeof priority !== 'number')
    return undefined;
  // Exactly the six content columns, one placement column, a stage-name-only external_ids and
  // perhaps tags with in_out_port only and a controller_meter.
  const ioPort = (tags as Record<string, string> | undefined)?.['in_out_port'];
  let columns = 0;
  let extKeys = 0;
  let tagKeys = 0;
  for (const _ in row) columns++;
  for (const _ in ext) extKeys++;
  for (const _ in tags as object | undefined) tagKeys++;
  const withTags = tags !== undefined;
  if (withTags && (typeof ioPort !== 'string' || tagKeys !== 1)) return undefined;
  if (
    columns !== 7 + +withTags + +(meter !== undefined) ||
    extKeys !== 1 ||
    (logical_datapath === undefined) === (logical_dp_group === undefined)
  )
    return undefined;
  const place =
    logical_datapath !== undefined
      ? `"logical_datapath":${uuidAtom(logical_datapath)}`
      : `"logical_dp_group":${uuidAtom(logical_dp_group)}`;
  return flowText(pipeline, table_id, priority, match, actions, stage, place, ioPort, meter);
}

/** A Logical_Flow row's text; `place` is its placement column, already encoded. */
function flowText(
  pipeline: string,
  tableId: number,
  priority: number,
  match: string,
  actions: string,
  stage: string,
  place: string,
  ioPort?: string,
  meter?: string,
): string {
  let extText = stageNameIds.get(stage);
  if (!extText) stageNameIds.set(stage, (extText = `"external_ids":["map",[["stage-name",${str(stage)}]]]`));
  const tagsText = ioPort === undefined ? '' : `,"tags":["map",[["in_out_port",${str(ioPort)}]]]`;
  const meterText = meter === undefined ? '' : `,"controller_meter":${str(meter)}`;
  return (
    `{${place},"pipeline":"${pipeline}","table_id":${tableId},"priority":${priority},` +
    `"match":${str(match)},"actions":${str(actions)},${extText}${tagsText}${meterText}}`
  );
}

/** Where a Logical_Flow row is placed: its one datapath or its datapath group. */
export type FlowPlacement = 'logical_datapath' | 'logical_dp_group';
export type FlowPlacementRef = Uuid<'Datapath_Binding'> | Uuid<'Logical_DP_Group'>;

/** A flow's content as the engine holds it. */
export interface FlowContent {
  readonly pipeline: 'ingress' | 'egress';
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  readonly stageName: string;
  readonly ioPort?: string;
  readonly meter?: string;
}

/** Server-assigned UUIDs of the rows a committed WireWriter inserted. */
export interface InsertedUuids {
  uuidOf<T extends string>(ref: NamedUuid<T>): Uuid<T>;
}

const NAME_PREFIX = 'r';

export class WireWriter implements SbWriter {
  /** The operations, as wire JSON text in UTF-8 buffers. */
  readonly ops = new EncodedOps();
  /** Index in `ops` of the n-th insert (named `r<n in base 36>`). */
  private readonly insertAt: number[] = [];

  constructor(lock?: string) {
    if (lock) this.ops.begin().text(`{"op":"assert","lock":${str(lock)}}`);
  }

  insert<T extends string>(table: T, row: Record<string, unknown>): NamedUuid<T> {
    const name = NAME_PREFIX + this.insertAt.length.toString(36);
    this.insertAt.push(this.ops.length);
    this.ops.begin().text(`{"op":"insert","table":${str(table)},"uuid-name":"${name}","row":`);
    this.row(table, row);
    return { namedUuid: name, table };
  }

  /** An insert's row and the operation's end. */
  private row(table: string, row: Record<string, unknown>): void {
    const flow = table === 'Logical_Flow' ? encodeFlowRow(row) : undefined;
    if (flow !== undefined) this.ops.text(flow);
    else encodeRow(this.ops, table, row, true);
    this.ops.text('}');
  }

  /**
   * An insert with a UUID the client chose (the server takes it as the row's), so later transactions
   * can name the row before this one's reply is read.
   */
  insertAs(table: string, uuid: Uuid, row: Record<string, unknown>): void {
    this.ops.begin().text(`{"op":"insert","table":${str(table)},"uuid":"${uuid}","row":`);
    this.row(table, row);
  }

  /** insertAs for a Logical_Flow row, from the engine's flow without building a row object. */
  insertFlowAs(uuid: Uuid, f: FlowContent, place: FlowPlacement, ref: FlowPlacementRef): void {
    this.ops.begin().text(`{"op":"insert","table":"Logical_Flow","uuid":"${uuid}","row":`);
    this.ops.text(
      flowText(
        f.pipeline,
        f.tableId,
        f.priority,
        f.match,
        f.actions,
        f.stageName,
        `"${place}":["uuid","${ref}"]`,
        f.ioPort,
        f.meter,
      ),
    );
    this.ops.text('}');
  }

  update(table: string, uuid: Uuid, row: Record<string, unknown>): void {
    this.ops.begin().text(`{"op":"update","table":${str(table)},"where":[["_uuid","==",["uuid","${uuid}"]]],"row":`);
    encodeRow(this.ops, table, row, false);
    this.ops.text('}');
  }

  /** Add and remove elements of a string set column (an OVSDB mutate: only the difference on the wire). */
  mutateSet(table: string, uuid: Uuid, column: string, add: readonly string[], remove: readonly string[]): void {
    const muts: string[] = [];
    if (add.length) muts.push(`[${str(column)},"insert",["set",${JSON.stringify(add)}]]`);
    if (remove.length) muts.push(`[${str(column)},"delete",["set",${JSON.stringify(remove)}]]`);
    if (!muts.length) return;
    this.ops
      .begin()
      .text(
        `{"op":"mutate","table":${str(table)},"where":[["_uuid","==",["uuid","${uuid}"]]],"mutations":[${muts.join(',')}]}`,
      );
  }

  delete(table: string, uuid: Uuid): void {
    this.ops.begin().text(`{"op":"delete","table":${str(table)},"where":[["_uuid","==",["uuid","${uuid}"]]]}`);
  }

  comment(text: string): void {
    this.ops.begin().text(`{"op":"comment","comment":${str(text)}}`);
  }

  async commit(client: OvsdbClient): Promise<InsertedUuids> {
    const results: WireResult[] = await client.transactEncoded('OVN_Southbound', this.ops);
    const insertAt = this.insertAt;
    return {
      uuidOf<T extends string>(ref: NamedUuid<T>): Uuid<T> {
        const name = ref.namedUuid;
        const n = name.startsWith(NAME_PREFIX) ? parseInt(name.slice(NAME_PREFIX.length), 36) : NaN;
        const i = insertAt[n];
        const u = i === undefined ? undefined : (results[i] as { uuid?: [string, string] } | undefined)?.uuid?.[1];
        if (!u) throw new OvsdbError('no such insert', name);
        return u as Uuid<T>;
      },
    };
  }
}
