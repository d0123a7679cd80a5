import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { chassisResolver, writeHaGroup, type HaRowOps } from './sb-ha-rows.js';

describe('writeHaGroup', () => {
  it('a group that names one chassis twice is written once: writing it again changes nothing', () => {
    const want = {
      name: 'g',
      members: [
        { chassis: 'gw1', priority: 10 },
        { chassis: 'gw1', priority: 20 },
      ],
    } as Parameters<typeof writeHaGroup>[0];
    const rows = new Map<string, SbTables['HA_Chassis']>();
    const writes: string[] = [];
    let n = 0;
    const ops: HaRowOps = {
      ins: (table, row) => {
        const uuid = `u${n++}` as Uuid<typeof table>;
        writes.push(`insert ${table}`);
        if (table === 'HA_Chassis')
          rows.set(uuid, {
            _uuid: uuid as Uuid<'HA_Chassis'>,
            _version: 'v' as Uuid,
            chassis: null,
            priority: row['priority'] as number,
            external_ids: row['external_ids'] as Record<string, string>,
          });
        return uuid;
      },
      upd: (table, uuid, current, row) => {
        const cur = current as Record<string, unknown>;
        if (Object.entries(row).some(([k, v]) => JSON.stringify(cur[k]) !== JSON.stringify(v)))
          writes.push(`update ${table} ${uuid}`);
      },
      del: (table, uuid) => void writes.push(`delete ${table} ${uuid}`),
    };
    const chassis = chassisResolver([]);
    const ref = writeHaGroup(want, undefined, (u) => rows.get(u), chassis, ops);
    expect(writes).toEqual(['insert HA_Chassis', 'insert HA_Chassis', 'insert HA_Chassis_Group']);
    const members = [...rows.keys()] as Uuid<'HA_Chassis'>[];
    const group: SbTables['HA_Chassis_Group'] = {
      _uuid: ref as Uuid<'HA_Chassis_Group'>,
      _version: 'v' as Uuid,
      name: 'g',
      ha_chassis: members,
      external_ids: {},
      ref_chassis: [],
    };
    writes.length = 0;
    writeHaGroup(want, group, (u) => rows.get(u), chassis, ops);
    expect(writes).toEqual([]);
  });
});
