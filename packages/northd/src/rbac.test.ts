import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import type { RBACPermission, RBACRole } from '@ovnts/schema/sb';
import { RBAC_PERMISSIONS, RBAC_ROLE, syncRbac, type RbacWriter } from './rbac.js';

/** Applies the writes to in-memory rows, as the server would. */
function memoryDb() {
  const perms = new Map<string, RBACPermission>();
  const roles = new Map<string, RBACRole>();
  let n = 0;
  const w: RbacWriter<Uuid<'RBAC_Permission'>> = {
    insertPermission: (row) => {
      const uuid = `p${n++}` as Uuid<'RBAC_Permission'>;
      perms.set(uuid, { _uuid: uuid, _version: '' as never, ...row });
      return uuid;
    },
    insertRole: (row) => {
      const uuid = `r${n++}` as Uuid<'RBAC_Role'>;
      roles.set(uuid, { _uuid: uuid, _version: '' as never, ...row } as RBACRole);
    },
    updateRole: (uuid, permissions) => roles.set(uuid, { ...roles.get(uuid)!, permissions } as RBACRole),
    deletePermission: (uuid) => perms.delete(uuid),
    deleteRole: (uuid) => roles.delete(uuid),
  };
  const sync = () => syncRbac(roles.values(), perms.values(), w);
  return { perms, roles, sync };
}

describe('RBAC rows', () => {
  it('creates the ovn-controller role with one permission per table, then stays put', () => {
    const db = memoryDb();
    expect(db.sync()).toBe(Object.keys(RBAC_PERMISSIONS).length + 1);
    const [role] = [...db.roles.values()];
    expect(role?.name).toBe(RBAC_ROLE);
    expect(Object.keys(role!.permissions).sort()).toEqual(Object.keys(RBAC_PERMISSIONS).sort());
    expect(db.perms.get(role!.permissions['Chassis']!)).toMatchObject({ authorization: ['name'], insert_delete: true });
    expect(db.sync()).toBe(0);
  });

  it('replaces a permission that was changed, and removes other roles and stray rows', () => {
    const db = memoryDb();
    db.sync();
    const role = [...db.roles.values()][0]!;
    const pb = role.permissions['Port_Binding']!;
    db.perms.set(pb, { ...db.perms.get(pb)!, update: ['chassis'] });
    db.perms.set('stray' as Uuid<'RBAC_Permission'>, { ...db.perms.get(pb)!, _uuid: 'stray' as never, table: 'NB' });
    db.roles.set('other' as Uuid<'RBAC_Role'>, { ...role, _uuid: 'other' as never, name: 'admin' });
    expect(db.sync()).toBe(5); // delete the bad row, the stray row and the other role; insert; update the role
    expect(db.roles.size).toBe(1);
    expect(db.perms.size).toBe(Object.keys(RBAC_PERMISSIONS).length);
    const fixed = db.perms.get([...db.roles.values()][0]!.permissions['Port_Binding']!);
    expect(fixed?.update).toContain('up');
    expect(db.sync()).toBe(0);
  });
});
