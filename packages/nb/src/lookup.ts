// Finding NB rows by UUID or name, with ovn-nbctl's rules: a UUID is tried first; a name shared by
// several rows is an error (carrying all their UUIDs), except where ovn-nbctl takes the first match.
import { NbError } from './errors.js';
import type { TableName } from '@ovnts/schema/nb';
import type { Column, NbRow, NbStore } from './store.js';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** Several rows share the name; `uuids` lists them all. */
export class DuplicateNameError extends NbError {
  constructor(
    message: string,
    readonly uuids: readonly string[],
  ) {
    super(message);
  }
}

export interface Kind<T extends TableName = TableName> {
  readonly table: T;
  /** "switch", "router", "port", ... as used in "<id>: switch name not found". */
  readonly noun: string;
  /** Text for duplicates, e.g. "logical switches"; undefined when the first match wins. */
  readonly plural?: string;
  /** Column holding the name (default `name`). */
  readonly nameColumn?: Column<T>;
}

export const KINDS = {
  switch: { table: 'Logical_Switch', noun: 'switch', plural: 'logical switches' },
  router: { table: 'Logical_Router', noun: 'router', plural: 'logical routers' },
  switchPort: { table: 'Logical_Switch_Port', noun: 'port' },
  routerPort: { table: 'Logical_Router_Port', noun: 'port' },
  loadBalancer: { table: 'Load_Balancer', noun: 'load balancer', plural: 'load balancers' },
  portGroup: { table: 'Port_Group', noun: 'port group' },
  addressSet: { table: 'Address_Set', noun: 'Address Set', plural: 'Address Sets' },
  meter: { table: 'Meter', noun: 'meter' },
  mirror: { table: 'Mirror', noun: 'mirror' },
  haChassisGroup: { table: 'HA_Chassis_Group', noun: 'ha chassis group' },
} as const satisfies Record<string, Kind<TableName>>;

/**
 * Look a row up by UUID or name. Returns undefined if absent and `mustExist` is false.
 * Throws NbError "<id>: <noun> UUID|name not found" or DuplicateNameError.
 */
export function lookup<T extends TableName>(store: NbStore, kind: Kind<T>, id: string, mustExist: true): NbRow<T>;
export function lookup<T extends TableName>(
  store: NbStore,
  kind: Kind<T>,
  id: string,
  mustExist: boolean,
): NbRow<T> | undefined;
export function lookup<T extends TableName>(
  store: NbStore,
  kind: Kind<T>,
  id: string,
  mustExist: boolean,
): NbRow<T> | undefined {
  const uuidForm = isUuid(id);
  const byUuid = uuidForm ? store.get(kind.table, id.toLowerCase()) : undefined;
  if (byUuid) return byUuid;
  // The name column is the kind's (a run-time choice); the row found is checked to be one of the table's.
  const table: string = kind.table;
  const matches = store.findBy(table, kind.nameColumn ?? 'name', id);
  if (matches.length > 1 && kind.plural) {
    throw new DuplicateNameError(
      `Multiple ${kind.plural} named '${id}'.  Use a UUID.`,
      matches.map((r) => r._uuid),
    );
  }
  const row = matches[0];
  if (!row && mustExist) throw new NbError(`${id}: ${kind.noun} ${uuidForm ? 'UUID' : 'name'} not found`);
  return row && store.typed(kind.table, row);
}

/** Rows of `table` whose `column` (a set of references) contains `uuid`. */
export function referrers<T extends TableName>(store: NbStore, table: T, column: Column<T>, uuid: string): NbRow<T>[] {
  const name: string = table;
  return store
    .rows(name)
    .filter((r) => {
      const v = r[column];
      return Array.isArray(v) && v.includes(uuid);
    })
    .map((r) => store.typed(table, r));
}
