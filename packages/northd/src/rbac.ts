// The SB role-based access control rows northd maintains: one RBAC_Role "ovn-controller" whose
// permissions say which rows a chassis may touch (its own Chassis/Encap/Chassis_Private rows, found by
// name; any Port_Binding's claim columns; MAC/FDB learning; service and BFD status). An SB served with
// `role=ovn-controller` enforces them, so a chassis cannot rewrite another's rows. Rows that differ from
// this table are replaced, rows of other roles removed, as ovn-northd does on every loop.
import type { Uuid } from 'ovsdb-client-ts';
import type { RBACPermission, RBACRole } from '@ovnts/schema/sb';

export const RBAC_ROLE = 'ovn-controller';

interface PermissionSpec {
  /** Columns that must equal the client's identity (its certificate CN); '' allows any row. */
  readonly authorization: readonly string[];
  /** Whether the role may insert and delete rows of the table. */
  readonly insertDelete: boolean;
  /** Columns the role may update. */
  readonly update: readonly string[];
}

/** Table → what an ovn-controller may do to it (OVN 23.03). */
export const RBAC_PERMISSIONS: Readonly<Record<string, PermissionSpec>> = {
  Chassis: {
    authorization: ['name'],
    insertDelete: true,
    update: ['nb_cfg', 'external_ids', 'encaps', 'vtep_logical_switches', 'other_config', 'transport_zones'],
  },
  Chassis_Private: {
    authorization: ['name'],
    insertDelete: true,
    update: ['nb_cfg', 'nb_cfg_timestamp', 'chassis', 'external_ids'],
  },
  Controller_Event: {
    authorization: [''],
    insertDelete: true,
    update: ['chassis', 'event_info', 'event_type', 'seq_num'],
  },
  Encap: { authorization: ['chassis_name'], insertDelete: true, update: ['type', 'options', 'ip'] },
  FDB: { authorization: [''], insertDelete: true, update: ['dp_key', 'mac', 'port_key'] },
  Port_Binding: {
    authorization: [''],
    insertDelete: false,
    // `options` only for its additional-chassis-activated key: a role cannot be limited to one map key.
    update: ['chassis', 'additional_chassis', 'encap', 'additional_encap', 'up', 'virtual_parent', 'options'],
  },
  MAC_Binding: {
    authorization: [''],
    insertDelete: true,
    update: ['logical_port', 'ip', 'mac', 'datapath', 'timestamp'],
  },
  Service_Monitor: { authorization: [''], insertDelete: false, update: ['status'] },
  IGMP_Group: { authorization: [''], insertDelete: true, update: ['address', 'chassis', 'datapath', 'ports'] },
  BFD: { authorization: [''], insertDelete: false, update: ['status'] },
};

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function matches(p: RBACPermission): boolean {
  const spec = RBAC_PERMISSIONS[p.table];
  return (
    spec !== undefined &&
    p.insert_delete === spec.insertDelete &&
    sameSet(p.authorization, spec.authorization) &&
    sameSet(p.update, spec.update)
  );
}

/** What an SB writer needs for the RBAC rows: inserts return a reference usable in the same transaction. */
export interface RbacWriter<Ref> {
  insertPermission(row: { table: string; authorization: string[]; insert_delete: boolean; update: string[] }): Ref;
  insertRole(row: { name: string; permissions: Record<string, Ref | Uuid<'RBAC_Permission'>> }): void;
  updateRole(uuid: Uuid<'RBAC_Role'>, permissions: Record<string, Ref | Uuid<'RBAC_Permission'>>): void;
  deletePermission(uuid: Uuid<'RBAC_Permission'>): void;
  deleteRole(uuid: Uuid<'RBAC_Role'>): void;
}

/** Bring the RBAC rows to the desired state; returns the number of writes (0: already right). */
export function syncRbac<Ref>(
  roles: Iterable<RBACRole>,
  permissions: Iterable<RBACPermission>,
  w: RbacWriter<Ref>,
): number {
  let writes = 0;
  let role: RBACRole | undefined;
  for (const r of roles) {
    if (r.name === RBAC_ROLE && !role) {
      role = r;
    } else {
      w.deleteRole(r._uuid);
      writes++;
    }
  }
  // One valid row per table, preferring the one the role already names; the rest go.
  const all = [...permissions];
  const valid = all.filter(matches);
  const keep = new Map<string, Uuid<'RBAC_Permission'>>();
  for (const p of valid) if (role?.permissions[p.table] === p._uuid) keep.set(p.table, p._uuid);
  for (const p of valid) if (!keep.has(p.table)) keep.set(p.table, p._uuid);
  for (const p of all) {
    if (keep.get(p.table) === p._uuid) continue;
    w.deletePermission(p._uuid);
    writes++;
  }
  const want: Record<string, Ref | Uuid<'RBAC_Permission'>> = {};
  for (const [table, spec] of Object.entries(RBAC_PERMISSIONS)) {
    const have = keep.get(table);
    if (have) {
      want[table] = have;
      continue;
    }
    want[table] = w.insertPermission({
      table,
      authorization: [...spec.authorization],
      insert_delete: spec.insertDelete,
      update: [...spec.update],
    });
    writes++;
  }
  if (!role) {
    w.insertRole({ name: RBAC_ROLE, permissions: want });
    return writes + 1;
  }
  const cur = role.permissions;
  const same =
    Object.keys(cur).length === Object.keys(want).length && Object.entries(want).every(([t, u]) => cur[t] === u);
  if (!same) {
    w.updateRole(role._uuid, want);
    writes++;
  }
  return writes;
}
