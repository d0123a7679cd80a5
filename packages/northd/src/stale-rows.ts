// SB rows that other writers create (ovn-controller's MAC_Binding, FDB and IGMP_Group) and that name northd's
// datapaths and ports. ovn-northd deletes them with what they name: a Datapath_Binding cannot be deleted
// while a MAC_Binding refers to it (strong reference), so without this a deleted or duplicated datapath
// fails every SB transaction. (IP_Multicast rows, which may not lose their datapath either, are northd's
// own: sync/keyed-rows.ts deletes them with their switch.) The rules, as ovn-northd 23.03 applies them:
//   - MAC_Binding: deleted with its datapath; when ports were removed (or moved to another datapath),
//     also every row whose logical_port names no port any more;
//   - FDB (keys, not references): deleted unless its dp_key is a datapath's tunnel key and its
//     port_key one of that datapath's port keys;
//   - IGMP_Group (weak references the server empties): deleted when it names no chassis or no datapath
//     (its chassis or datapath was deleted, or a controller went away mid-write) and with its datapath.
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { TablesView } from './input.js';
import type { NamingSbWriter, SbWriter } from './sb-diff.js';

export const SB_DEPENDENT_TABLES = ['MAC_Binding', 'FDB', 'IGMP_Group'] as const satisfies readonly (keyof SbTables)[];
export type SbDependentTable = (typeof SB_DEPENDENT_TABLES)[number];
export type SbDependents = TablesView<SbTables, SbDependentTable>;

/** What the desired SB holds, as far as the dependent rows are concerned. */
export interface DesiredPorts {
  /** Whether a logical port of this name has a binding. */
  hasPort(name: string): boolean;
  /** The port tunnel keys of the datapath with this tunnel key, or undefined when there is none. */
  portKeys(dpKey: number): ReadonlySet<number> | undefined;
}

/** What this round did to the rows the dependents name. */
export interface StaleScope {
  /** Check every row (a full round, or one that removed ports or renumbered them). */
  readonly all: boolean;
  /** Ports were removed or moved to another datapath: MAC_Binding rows are checked by port name too. */
  readonly portsGone: boolean;
  /** Datapath_Binding rows deleted in this round. */
  readonly deletedDatapaths: ReadonlySet<string>;
  /** Dependent rows others inserted or changed since the last round (checked even when not `all`). */
  readonly changed: ReadonlySet<string>;
}

/** Delete the dependent rows that name what is gone; returns how many. */
export function deleteStaleRows(sb: SbDependents, desired: DesiredPorts, scope: StaleScope, w: SbWriter): number {
  let n = 0;
  const del = (table: SbDependentTable, uuid: Uuid) => {
    w.delete(table, uuid);
    n++;
  };
  const rows = <T extends SbDependentTable>(t: T): Iterable<SbTables[T]> =>
    scope.all ? sb[t].values() : pick(sb[t], scope.changed);

  for (const m of rows('MAC_Binding')) {
    if (scope.deletedDatapaths.has(m.datapath) || (scope.portsGone && !desired.hasPort(m.logical_port)))
      del('MAC_Binding', m._uuid);
  }
  for (const f of rows('FDB')) {
    if (!desired.portKeys(f.dp_key)?.has(f.port_key)) del('FDB', f._uuid);
  }
  for (const g of rows('IGMP_Group')) {
    if (g.chassis === null || g.datapath === null || scope.deletedDatapaths.has(g.datapath)) del('IGMP_Group', g._uuid);
  }
  return n;
}

function* pick<R>(table: ReadonlyMap<Uuid<string>, R>, uuids: ReadonlySet<string>): Iterable<R> {
  for (const u of uuids) {
    const r = table.get(u as Uuid<string>);
    if (r) yield r;
  }
}

/** Notes what a round deletes or renumbers among the rows dependents name; `writer` passes every write on. */
export class DependencyRecorder {
  readonly deletedDatapaths = new Set<string>();
  private portsGone = false;
  /** Port or datapath tunnel keys changed: FDB rows may name keys that moved. */
  private keysChanged = false;
  readonly writer: NamingSbWriter;

  constructor(inner: NamingSbWriter) {
    this.writer = {
      insert: (table, row) => inner.insert(table, row),
      ...(inner.mutateSet ? { mutateSet: inner.mutateSet.bind(inner) } : {}),
      update: (table, uuid, row) => {
        if (table === 'Port_Binding' && 'datapath' in row) this.portsGone = true;
        if ((table === 'Port_Binding' || table === 'Datapath_Binding') && 'tunnel_key' in row) this.keysChanged = true;
        inner.update(table, uuid, row);
      },
      delete: (table, uuid) => {
        if (table === 'Datapath_Binding') this.deletedDatapaths.add(uuid);
        else if (table === 'Port_Binding') this.portsGone = true;
        inner.delete(table, uuid);
      },
    };
  }

  scope(full: boolean, changed: ReadonlySet<string>): StaleScope {
    const gone = this.portsGone || this.deletedDatapaths.size > 0;
    return {
      all: full || gone || this.keysChanged,
      portsGone: gone,
      deletedDatapaths: this.deletedDatapaths,
      changed,
    };
  }
}

/** The desired ports as the engine holds them after its round. */
export function enginePorts(e: {
  datapathIds(): Iterable<string>;
  datapathKey(dp: string): number | undefined;
  portBinding(dp: string): readonly { readonly logicalPort: string; readonly tunnelKey: number }[];
  portBindingByName(name: string): unknown;
}): DesiredPorts {
  let dpByKey: Map<number, string> | undefined;
  const keys = new Map<number, ReadonlySet<number> | undefined>();
  return {
    hasPort: (name) => e.portBindingByName(name) !== undefined,
    portKeys(dpKey) {
      if (keys.has(dpKey)) return keys.get(dpKey);
      if (!dpByKey) {
        dpByKey = new Map();
        for (const id of e.datapathIds()) {
          const k = e.datapathKey(id);
          if (k !== undefined) dpByKey.set(k, id);
        }
      }
      const dp = dpByKey.get(dpKey);
      const set = dp === undefined ? undefined : new Set(e.portBinding(dp).map((p) => p.tunnelKey));
      keys.set(dpKey, set);
      return set;
    },
  };
}
