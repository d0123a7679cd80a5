// The generic database commands (ovs-vsctl(8) "Database Commands"): list, find, get, set, add, remove,
// clear, create, destroy, wait-until, comment — over the NB working copy.
import type { ColumnSchema, ColumnType, TableSchema } from 'ovsdb-client-ts';
import type { Atom, NbStore, Row } from '@ovnts/nb';
import { CommandError, has, opt, type CommandImpl, type Ctx } from '../nbctl/context.js';
import {
  atomFromString,
  compareAtoms,
  compareDatums,
  datumFromString,
  datumToString,
  atomToString,
  fromDatum,
  isDisjoint,
  isSubset,
  isUuidString,
  parseToken,
  toDatum,
  type Datum,
} from './datum.js';
import { columnNames, getColumn, getTable } from './schema-match.js';
import type { Cell, OutTable } from './table.js';

/** How rows of each table can be named besides their UUID (ovn-nbctl's row ids). */
interface RowId {
  readonly table: string;
  readonly column: string;
  readonly key?: string;
  /** The row found holds a reference in this column to the row we want. */
  readonly via?: string;
}

const ROW_IDS: Record<string, readonly RowId[]> = {
  DHCP_Options: [
    { table: 'Logical_Switch_Port', column: 'name', via: 'dhcpv4_options' },
    { table: 'Logical_Switch_Port', column: 'external_ids', key: 'neutron:port_name', via: 'dhcpv4_options' },
    { table: 'Logical_Switch_Port', column: 'name', via: 'dhcpv6_options' },
    { table: 'Logical_Switch_Port', column: 'external_ids', key: 'neutron:port_name', via: 'dhcpv6_options' },
  ],
  Logical_Switch: [
    { table: 'Logical_Switch', column: 'name' },
    { table: 'Logical_Switch', column: 'external_ids', key: 'neutron:network_name' },
  ],
  Logical_Switch_Port: [
    { table: 'Logical_Switch_Port', column: 'name' },
    { table: 'Logical_Switch_Port', column: 'external_ids', key: 'neutron:port_name' },
  ],
  Logical_Router: [
    { table: 'Logical_Router', column: 'name' },
    { table: 'Logical_Router', column: 'external_ids', key: 'neutron:router_name' },
  ],
  Logical_Router_Port: [{ table: 'Logical_Router_Port', column: 'name' }],
  Address_Set: [{ table: 'Address_Set', column: 'name' }],
  Port_Group: [{ table: 'Port_Group', column: 'name' }],
  ACL: [{ table: 'ACL', column: 'name' }],
  HA_Chassis: [{ table: 'HA_Chassis', column: 'chassis_name' }],
  HA_Chassis_Group: [{ table: 'HA_Chassis_Group', column: 'name' }],
  Load_Balancer: [{ table: 'Load_Balancer', column: 'name' }],
  Load_Balancer_Group: [{ table: 'Load_Balancer_Group', column: 'name' }],
  Load_Balancer_Health_Check: [{ table: 'Load_Balancer_Health_Check', column: 'vip' }],
  Forwarding_Group: [{ table: 'Forwarding_Group', column: 'name' }],
  Meter: [{ table: 'Meter', column: 'name' }],
  NAT: [{ table: 'NAT', column: 'external_ip' }],
  Chassis_Template_Var: [{ table: 'Chassis_Template_Var', column: 'chassis' }],
  Connection: [{ table: 'Connection', column: 'target' }],
};

function nameOf(row: Row, id: RowId): string | number | undefined {
  const v = row[id.column];
  if (id.key !== undefined) {
    const m = v as Record<string, string>;
    return m[id.key];
  }
  if (Array.isArray(v)) return v.length === 1 ? (v[0] as string) : undefined;
  return v === null ? undefined : (v as string | number);
}

function recordIdEquals(name: string | number, recordId: string): boolean {
  if (typeof name === 'number') return /^\d+$/.test(recordId) && name === Number(recordId);
  if (name === recordId) return true;
  return recordId.length >= 4 && isUuidString(name) && name.startsWith(recordId);
}

/** ctl_get_row: by UUID, ".", the table's row ids, then a UUID prefix of 4+ hex digits. */
export function getRow(store: NbStore, table: TableSchema, recordId: string, mustExist: boolean): Row | undefined {
  let row: Row | undefined;
  if (isUuidString(recordId)) row = store.get(table.name, recordId.toLowerCase());
  if (!row && recordId === '.') {
    const rows = store.rows(table.name);
    if (rows.length === 1) row = rows[0];
  }
  if (!row) {
    for (const id of ROW_IDS[table.name] ?? []) {
      const matches = store.rows(id.table).filter((r) => {
        const n = nameOf(r, id);
        return n !== undefined && recordIdEquals(n, recordId);
      });
      if (matches.length > 1) throw new CommandError(`multiple rows in ${id.table} match "${recordId}"`);
      const ref = matches[0];
      if (ref) {
        if (id.via) {
          const u = ref[id.via] as string | null;
          row = u ? store.get(table.name, u) : undefined;
        } else {
          row = ref;
        }
        if (row) break;
      }
    }
  }
  if (!row && /^[0-9a-fA-F-]{4,}$/.test(recordId) && partialUuidLength(recordId) >= 4) {
    const want = recordId.toLowerCase();
    for (const r of store.rows(table.name)) {
      if (r._uuid.startsWith(want)) {
        if (row) {
          throw new CommandError(
            `${table.name} contains 2 or more rows whose UUIDs begin with ${recordId}: at least ${row._uuid} and ${r._uuid}`,
          );
        }
        row = r;
      }
    }
  }
  if (mustExist && !row) throw new CommandError(`no row "${recordId}" in table ${table.name}`);
  return row;
}

/** uuid_is_partial_string: how many leading characters form a valid UUID prefix. */
function partialUuidLength(s: string): number {
  const tmpl = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
  let i = 0;
  for (; i < s.length && i < tmpl.length; i++) {
    const c = s[i]!;
    if (tmpl[i] === '-' ? c !== '-' : !/[0-9a-fA-F]/.test(c)) return 0;
  }
  return s.length > tmpl.length ? 0 : i;
}

/** "column[:key]" then optionally an operator and a value (parse_column_key_value). */
function parseColumnKeyValue(
  arg: string,
  table: TableSchema,
  operators: readonly string[] | null,
): { column: ColumnSchema; key?: string; op?: string; value?: string } {
  const t = parseToken(arg, 0);
  if (t.token === '') throw new CommandError(`${arg}: missing column name`);
  const column = getColumn(table, t.token);
  let p = t.pos;
  let key: string | undefined;
  if (arg[p] === ':') {
    const k = parseToken(arg, p + 1);
    key = k.token;
    p = k.pos;
  }
  if (operators) {
    let best: string | undefined;
    for (const op of operators) {
      if ((!best || op.length > best.length) && arg.startsWith(op, p) && p + op.length < arg.length) best = op;
    }
    if (!best) {
      const ops = operators.map((o) => `"${o}"`);
      let list = ops[0]!;
      if (ops.length === 2) list += ` or ${ops[1]}`;
      else if (ops.length > 2) list += `, ${ops.slice(1, -1).join(', ')}, or ${ops[ops.length - 1]}`;
      throw new CommandError(`${arg}: argument does not end in ${list} followed by a value.`);
    }
    return { column, ...(key !== undefined ? { key } : {}), op: best, value: arg.slice(p + best.length) };
  }
  if (p < arg.length) throw new CommandError(`${arg}: trailing garbage "${arg.slice(p)}" in argument`);
  return { column, ...(key !== undefined ? { key } : {}) };
}

const RELOPS = ['=', '!=', '<', '>', '<=', '>=', '{=}', '{!=}', '{<}', '{>}', '{<=}', '{>=}', '{in}', '{not-in}'];
const isSetOp = (op: string) => op.startsWith('{');

function evaluate(a: Datum, b: Datum, op: string): boolean {
  switch (op) {
    case '=':
    case '{=}':
      return compareDatums(a, b) === 0;
    case '!=':
    case '{!=}':
      return compareDatums(a, b) !== 0;
    case '<':
      return compareDatums(a, b) < 0;
    case '>':
      return compareDatums(a, b) > 0;
    case '<=':
      return compareDatums(a, b) <= 0;
    case '>=':
      return compareDatums(a, b) >= 0;
    case '{<}':
      return b.keys.length > a.keys.length && isSubset(a, b);
    case '{>}':
      return a.keys.length > b.keys.length && isSubset(b, a);
    case '{<=}':
    case '{in}':
      return isSubset(a, b);
    case '{>=}':
      return isSubset(b, a);
    case '{not-in}':
      return isDisjoint(a, b);
    default:
      return false;
  }
}

/** check_condition: does `row` satisfy "column[:key]OPvalue"? */
export function checkCondition(ctx: Ctx, table: TableSchema, row: Row, arg: string): boolean {
  const { column, key, op, value } = parseColumnKeyValue(arg, table, RELOPS);
  if (value === undefined || op === undefined) throw new CommandError(`${arg}: missing value`);
  const type = column.type;
  const have = toDatum(row[column.name] ?? null, type);
  if (key !== undefined) {
    if (!type.value) throw new CommandError(`cannot specify key to check for non-map column ${column.name}`);
    const wantKey = atomFromString(type.key, key, ctx.symbols)[0]!;
    const vtype: ColumnType = { key: type.value, min: type.min, max: Infinity };
    const b = datumFromString(vtype, value, ctx.symbols, { min: vtype.min, max: Infinity });
    const idx = have.keys.findIndex((k) => compareAtoms(k, wantKey) === 0);
    if (idx < 0 && !isSetOp(op)) return false;
    const a: Datum = { keys: idx < 0 ? [] : [have.values![idx]!] };
    return evaluate(a, b, op);
  }
  const want = datumFromString(type, value, ctx.symbols);
  return evaluate(have, want, op);
}

function checkMutable(ctx: Ctx, table: TableSchema, row: Row, column: ColumnSchema): void {
  if (!column.mutable && !ctx.store.isNew(row._uuid)) {
    throw new CommandError(`cannot modify read-only column ${column.name} in table ${table.name}`);
  }
}

/** set_column: "column[:key]=value". */
export function setColumn(ctx: Ctx, table: TableSchema, row: Row, arg: string): void {
  const { column, key, value } = parseColumnKeyValue(arg, table, ['=']);
  if (value === undefined) throw new CommandError(`${arg}: missing value`);
  checkMutable(ctx, table, row, column);
  const type = column.type;
  if (key !== undefined) {
    if (!type.value) throw new CommandError(`cannot specify key to set for non-map column ${column.name}`);
    const k = atomFromString(type.key, key, ctx.symbols)[0]!;
    const v = atomFromString(type.value, value, ctx.symbols)[0]!;
    const cur = { ...(row[column.name] as Record<string, unknown>) };
    cur[String(k)] = v;
    ctx.store.set(table.name, row, column.name, cur as Record<string, string>);
    return;
  }
  ctx.store.set(table.name, row, column.name, fromDatum(datumFromString(type, value, ctx.symbols), type));
}

function parseColumnList(table: TableSchema, names: string | undefined): (ColumnSchema | null)[] {
  if (names === undefined) return [null, ...columnNames(table).map((n) => table.columns[n]!)];
  const out: (ColumnSchema | null)[] = [];
  for (const n of names.split(/[, ]+/).filter(Boolean)) {
    out.push(n.toLowerCase() === '_uuid' ? null : getColumn(table, n));
  }
  if (out.length === 0) throw new CommandError('must specify at least one column name');
  return out;
}

const UUID_TYPE: ColumnType = { key: { type: 'uuid' }, min: 1, max: 1 };

function listRecord(row: Row, columns: (ColumnSchema | null)[]): Cell[] {
  return columns.map((c) =>
    c
      ? { datum: toDatum(row[c.name] ?? null, c.type), type: c.type }
      : { datum: { keys: [row._uuid] }, type: UUID_TYPE },
  );
}

function makeTable(columns: (ColumnSchema | null)[]): OutTable {
  return { headings: columns.map((c) => (c ? c.name : '_uuid')), rows: [] };
}

/** Checks done before anything runs (the "prerequisites" phase): names of tables and columns. */
export const prerequisites: Record<string, (ctx: Ctx) => void> = {
  get: (ctx) => {
    const t = getTable(ctx.store.schema, ctx.argv[1]!);
    for (const a of ctx.argv.slice(3)) {
      if (a.toLowerCase() === '_uuid' || a.toLowerCase() === '-uuid') continue;
      preColumn(t, a);
    }
  },
  list: (ctx) => void parseColumnList(getTable(ctx.store.schema, ctx.argv[1]!), opt(ctx, '--columns')),
  find: (ctx) => {
    const t = getTable(ctx.store.schema, ctx.argv[1]!);
    parseColumnList(t, opt(ctx, '--columns'));
    for (const a of ctx.argv.slice(2)) preColumn(t, a);
  },
  set: (ctx) => {
    const t = getTable(ctx.store.schema, ctx.argv[1]!);
    for (const a of ctx.argv.slice(3)) preColumn(t, a);
  },
  add: (ctx) => void getColumn(getTable(ctx.store.schema, ctx.argv[1]!), ctx.argv[3]!),
  remove: (ctx) => void getColumn(getTable(ctx.store.schema, ctx.argv[1]!), ctx.argv[3]!),
  clear: (ctx) => {
    const t = getTable(ctx.store.schema, ctx.argv[1]!);
    for (const a of ctx.argv.slice(3)) getColumn(t, a);
  },
  create: (ctx) => {
    const t = getTable(ctx.store.schema, ctx.argv[1]!);
    if (!opt(ctx, '--id') && !t.isRoot) {
      warn(`applying "create" command to table ${t.name} without --id option will have no effect`);
    }
  },
  destroy: (ctx) => void getTable(ctx.store.schema, ctx.argv[1]!),
  'wait-until': (ctx) => {
    const t = getTable(ctx.store.schema, ctx.argv[1]!);
    for (const a of ctx.argv.slice(3)) preColumn(t, a);
  },
};

function preColumn(t: TableSchema, arg: string): void {
  const tok = parseToken(arg, 0).token;
  if (tok === '') throw new CommandError(`${arg}: missing column name`);
  getColumn(t, tok);
}

/** Warnings go to stderr in OVS's log format, as ovn-nbctl's console logging does. */
export let warn = (msg: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(0, 19)}Z|00001|db_ctl_base|WARN|${msg}\n`);
};
export function setWarn(fn: (msg: string) => void): void {
  warn = fn;
}

export const commands: Record<string, CommandImpl> = {
  comment: () => {},
  get: (ctx) => {
    const id = opt(ctx, '--id');
    const mustExist = !has(ctx, '--if-exists');
    if (id && !mustExist) throw new CommandError('--if-exists and --id may not be specified together');
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const recordId = ctx.argv[2]!;
    const row = getRow(ctx.store, table, recordId, mustExist);
    if (!row) return;
    if (id) {
      const { sym, isNew } = ctx.symbols.create(id);
      if (!isNew) throw new CommandError(`row id "${id}" specified on "get" command was used before it was defined`);
      sym.uuid = row._uuid;
      sym.strongRef = true;
    }
    for (const a of ctx.argv.slice(3)) {
      if (a.toLowerCase() === '_uuid' || a.toLowerCase() === '-uuid') {
        ctx.output += `${row._uuid}\n`;
        continue;
      }
      const { column, key } = parseColumnKeyValue(a, table, null);
      const type = column.type;
      const datum = toDatum(row[column.name] ?? null, type);
      if (key !== undefined) {
        if (!type.value) throw new CommandError(`cannot specify key to get for non-map column ${column.name}`);
        const k = atomFromString(type.key, key, ctx.symbols)[0]!;
        const idx = datum.keys.findIndex((x) => compareAtoms(x, k) === 0);
        if (idx < 0) {
          if (mustExist) {
            throw new CommandError(`no key "${key}" in ${table.name} record "${recordId}" column ${column.name}`);
          }
        } else {
          ctx.output += atomToString(datum.values![idx]!, type.value.type);
        }
      } else {
        ctx.output += datumToString(datum, type);
      }
      ctx.output += '\n';
    }
  },
  list: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const columns = parseColumnList(table, opt(ctx, '--columns'));
    const out = makeTable(columns);
    ctx.table = out;
    if (ctx.argv.length > 2) {
      for (const id of ctx.argv.slice(2)) {
        const row = getRow(ctx.store, table, id, !has(ctx, '--if-exists'));
        if (row) out.rows.push(listRecord(row, columns));
      }
    } else {
      for (const row of ctx.store.rows(table.name)) out.rows.push(listRecord(row, columns));
    }
  },
  find: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const columns = parseColumnList(table, opt(ctx, '--columns'));
    const out = makeTable(columns);
    ctx.table = out;
    for (const row of ctx.store.rows(table.name)) {
      if (ctx.argv.slice(2).every((a) => checkCondition(ctx, table, row, a))) out.rows.push(listRecord(row, columns));
    }
  },
  set: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const row = getRow(ctx.store, table, ctx.argv[2]!, !has(ctx, '--if-exists'));
    if (!row) return;
    for (const a of ctx.argv.slice(3)) setColumn(ctx, table, row, a);
  },
  add: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const column = getColumn(table, ctx.argv[3]!);
    const row = getRow(ctx.store, table, ctx.argv[2]!, !has(ctx, '--if-exists'));
    if (!row) return;
    checkMutable(ctx, table, row, column);
    const type = column.type;
    if (ctx.lastCommand) {
      // As ovn-nbctl: the last command adds by mutation, so limits are the server's to enforce.
      for (const a of ctx.argv.slice(4)) {
        const add = datumFromString(type, a, ctx.symbols, { min: 1, max: Infinity });
        const v = fromDatum(add, { ...type, min: 0, max: Infinity });
        ctx.store.addToSet(table.name, row, column.name, v as Atom[] | Record<string, Atom>);
      }
      return;
    }
    const cur = toDatum(row[column.name] ?? null, type);
    for (const a of ctx.argv.slice(4)) {
      const add = datumFromString(type, a, ctx.symbols, { min: 1, max: Infinity });
      add.keys.forEach((k, i) => {
        if (cur.keys.some((x) => compareAtoms(x, k) === 0)) return;
        cur.keys.push(k);
        if (cur.values) cur.values.push(add.values![i]!);
      });
    }
    if (cur.keys.length > type.max) {
      throw new CommandError(
        `"add" operation would put ${cur.keys.length} ${type.value ? 'pairs' : 'values'} in column ${column.name} of table ${table.name} but the maximum number is ${type.max}`,
      );
    }
    ctx.store.set(table.name, row, column.name, fromDatum(resort(cur), type));
  },
  remove: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const column = getColumn(table, ctx.argv[3]!);
    const row = getRow(ctx.store, table, ctx.argv[2]!, !has(ctx, '--if-exists'));
    if (!row) return;
    checkMutable(ctx, table, row, column);
    const type = column.type;
    const cur = toDatum(row[column.name] ?? null, type);
    for (const a of ctx.argv.slice(4)) {
      let rm: Datum;
      let keysOnly = false;
      try {
        rm = datumFromString(type, a, ctx.symbols, { min: 1, max: Infinity });
      } catch (e) {
        if (!type.value) throw e;
        rm = datumFromString({ key: type.key, min: 1, max: Infinity }, a, ctx.symbols, { min: 1, max: Infinity });
        keysOnly = true;
      }
      rm.keys.forEach((k, i) => {
        const idx = cur.keys.findIndex((x) => compareAtoms(x, k) === 0);
        if (idx < 0) return;
        if (!keysOnly && cur.values && compareAtoms(cur.values[idx]!, rm.values![i]!) !== 0) return;
        cur.keys.splice(idx, 1);
        cur.values?.splice(idx, 1);
      });
    }
    if (cur.keys.length < type.min) {
      throw new CommandError(
        `"remove" operation would put ${cur.keys.length} ${type.value ? 'pairs' : 'values'} in column ${column.name} of table ${table.name} but the minimum number is ${type.min}`,
      );
    }
    ctx.store.set(table.name, row, column.name, fromDatum(cur, type));
  },
  clear: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const row = getRow(ctx.store, table, ctx.argv[2]!, !has(ctx, '--if-exists'));
    if (!row) return;
    for (const a of ctx.argv.slice(3)) {
      const column = getColumn(table, a);
      checkMutable(ctx, table, row, column);
      if (column.type.min > 0) {
        throw new CommandError(
          `"clear" operation cannot be applied to column ${column.name} of table ${table.name}, which is not allowed to be empty`,
        );
      }
      ctx.store.set(
        table.name,
        row,
        column.name,
        fromDatum({ keys: [], ...(column.type.value ? { values: [] } : {}) }, column.type),
      );
    }
  },
  create: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const id = opt(ctx, '--id');
    let uuid: string | undefined;
    if (id) {
      if (isUuidString(id)) {
        uuid = id.toLowerCase();
      } else {
        const { sym } = ctx.symbols.create(id);
        if (table.isRoot) sym.strongRef = true;
        uuid = sym.uuid;
      }
    }
    const row = ctx.store.insert(table.name, {}, uuid);
    for (const a of ctx.argv.slice(2)) setColumn(ctx, table, row, a);
    ctx.output += `${row._uuid}\n`;
  },
  destroy: (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const all = has(ctx, '--all');
    const mustExist = !has(ctx, '--if-exists');
    if (all && ctx.argv.length > 2)
      throw new CommandError('--all and records argument should not be specified together');
    if (all && !mustExist) throw new CommandError('--all and --if-exists should not be specified together');
    if (!all && ctx.argv.length === 2) warn('either --all or records argument should be specified');
    if (all) {
      for (const row of ctx.store.rows(table.name)) ctx.store.delete(table.name, row);
      return;
    }
    for (const id of ctx.argv.slice(2)) {
      const row = getRow(ctx.store, table, id, mustExist);
      if (row) ctx.store.delete(table.name, row);
    }
  },
  'wait-until': (ctx) => {
    const table = getTable(ctx.store.schema, ctx.argv[1]!);
    const row = getRow(ctx.store, table, ctx.argv[2]!, false);
    if (!row) {
      ctx.tryAgain = true;
      return;
    }
    for (const a of ctx.argv.slice(3)) {
      if (!checkCondition(ctx, table, row, a)) {
        ctx.tryAgain = true;
        return;
      }
    }
  },
};

function resort(d: Datum): Datum {
  const idx = d.keys.map((_, i) => i).sort((a, b) => compareAtoms(d.keys[a]!, d.keys[b]!));
  return { keys: idx.map((i) => d.keys[i]!), ...(d.values ? { values: idx.map((i) => d.values![i]!) } : {}) };
}
