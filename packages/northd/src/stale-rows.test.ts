import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import { schema as sbSchema, type Tables as SbTables } from '@ovnts/schema/sb';
import { NorthdEngine } from './engine/northd-engine.js';
import { FlowIndex, type SbLookup } from './engine/sb-sync.js';
import type { SbKeyInput } from './input.js';
import { writeRound } from './sb-writer.js';
import { DependencyRecorder, deleteStaleRows, type DesiredPorts, type SbDependents } from './stale-rows.js';
import { MemSb } from './testing/mem-sb.js';
import { NbBuilder } from './testing/nb-builder.js';
import { makeRow } from './testing/rows.js';

type Dep = keyof SbDependents;

function deps(rows: { table: Dep; row: Partial<SbTables[Dep]>; uuid: string }[]): SbDependents {
  const out = { MAC_Binding: new Map(), FDB: new Map(), IGMP_Group: new Map() } as {
    [T in Dep]: Map<Uuid<T>, SbTables[T]>;
  };
  for (const { table, row, uuid } of rows)
    (out[table] as Map<string, unknown>).set(uuid, makeRow(sbSchema, table, row as Record<string, unknown>, uuid));
  return out;
}

const recorded = () => {
  const deleted: string[] = [];
  return {
    deleted,
    w: {
      insert: () => {
        throw new Error('no inserts expected');
      },
      update: () => {
        throw new Error('no updates expected');
      },
      delete: (_t: string, u: string) => void deleted.push(u),
    },
  };
};

const desired: DesiredPorts = {
  hasPort: (n) => n === 'p1' || n === 'p2',
  portKeys: (k) => (k === 1 ? new Set([1, 2]) : undefined),
};

describe('deleteStaleRows', () => {
  const sb = deps([
    {
      table: 'MAC_Binding',
      uuid: 'm-gone-dp',
      row: { datapath: 'dp-old' as Uuid<'Datapath_Binding'>, logical_port: 'p1' },
    },
    {
      table: 'MAC_Binding',
      uuid: 'm-gone-port',
      row: { datapath: 'dp1' as Uuid<'Datapath_Binding'>, logical_port: 'p9' },
    },
    { table: 'MAC_Binding', uuid: 'm-ok', row: { datapath: 'dp1' as Uuid<'Datapath_Binding'>, logical_port: 'p2' } },
    { table: 'FDB', uuid: 'f-ok', row: { dp_key: 1, port_key: 2, mac: '00:00:00:00:00:01' } },
    { table: 'FDB', uuid: 'f-port', row: { dp_key: 1, port_key: 10, mac: '00:00:00:00:00:02' } },
    { table: 'FDB', uuid: 'f-dp', row: { dp_key: 4, port_key: 1, mac: '00:00:00:00:00:03' } },
  ]);

  it('deletes rows naming a deleted datapath, a removed port or unknown keys', () => {
    const { deleted, w } = recorded();
    const n = deleteStaleRows(
      sb,
      desired,
      { all: true, portsGone: true, deletedDatapaths: new Set(['dp-old']), changed: new Set() },
      w,
    );
    expect(deleted.sort()).toEqual(['f-dp', 'f-port', 'm-gone-dp', 'm-gone-port']);
    expect(n).toBe(4);
  });

  it('checks MAC_Binding ports only when ports went away, as ovn-northd', () => {
    const { deleted, w } = recorded();
    deleteStaleRows(sb, desired, { all: true, portsGone: false, deletedDatapaths: new Set(), changed: new Set() }, w);
    expect(deleted.sort()).toEqual(['f-dp', 'f-port']);
  });

  it('outside full checks, looks only at the rows others changed', () => {
    const { deleted, w } = recorded();
    const changed = new Set(['f-port', 'f-ok', 'm-gone-port']);
    deleteStaleRows(sb, desired, { all: false, portsGone: false, deletedDatapaths: new Set(), changed }, w);
    expect(deleted).toEqual(['f-port']);
  });

  it('deletes IGMP_Group rows without chassis or datapath, or naming a deleted datapath', () => {
    const dp = (u: string) => u as Uuid<'Datapath_Binding'>;
    const ch = 'ch1' as Uuid<'Chassis'>;
    const igmp = deps([
      { table: 'IGMP_Group', uuid: 'g-ok', row: { address: '239.0.1.68', datapath: dp('dp1'), chassis: ch } },
      { table: 'IGMP_Group', uuid: 'g-no-chassis', row: { address: '239.0.1.68', datapath: dp('dp1'), chassis: null } },
      { table: 'IGMP_Group', uuid: 'g-no-dp', row: { address: '239.0.1.68', datapath: null, chassis: ch } },
      { table: 'IGMP_Group', uuid: 'g-gone-dp', row: { address: '239.0.1.68', datapath: dp('dp-old'), chassis: ch } },
    ]);
    const all = recorded();
    const scope = { all: true, portsGone: false, deletedDatapaths: new Set(['dp-old']), changed: new Set<string>() };
    deleteStaleRows(igmp, desired, scope, all.w);
    expect(all.deleted.sort()).toEqual(['g-gone-dp', 'g-no-chassis', 'g-no-dp']);
    // Incrementally: the server emptied the chassis of one row (its chassis was deleted); only that row is read.
    const inc = recorded();
    const changed = new Set(['g-ok', 'g-no-chassis']);
    deleteStaleRows(igmp, desired, { all: false, portsGone: false, deletedDatapaths: new Set(), changed }, inc.w);
    expect(inc.deleted).toEqual(['g-no-chassis']);
  });

  it('the recorder widens the check when the round deletes datapaths or ports', () => {
    const { w } = recorded();
    const r = new DependencyRecorder({ ...w, insert: () => ({ namedUuid: 'x', table: 'x' }) as never });
    expect(r.scope(false, new Set()).all).toBe(false);
    r.writer.delete('Port_Binding', 'pb' as Uuid);
    expect(r.scope(false, new Set())).toMatchObject({ all: true, portsGone: true });
    r.writer.delete('Datapath_Binding', 'dp' as Uuid);
    expect([...r.scope(false, new Set()).deletedDatapaths]).toEqual(['dp']);
  });
});

describe('writeRound with dependent rows', () => {
  // IP_Multicast rows are northd's own (sync/keyed-rows.ts): the full diff deletes the deleted switch's.
  it('deletes the MAC_Binding, FDB, IGMP_Group and IP_Multicast rows of a deleted switch in the same transaction', () => {
    const nb = new NbBuilder().ls('sw0').vif('sw0', 'sw0-p1', '00:00:00:00:00:01').ls('sw1');
    nb.vif('sw1', 'sw1-p1', '00:00:00:00:01:01');
    const engine = new NorthdEngine();
    const fx = new FlowIndex();
    const mem = new MemSb();
    const keys = () => ({ ...mem.state(), Chassis: new Map(), Encap: new Map() }) as unknown as SbKeyInput;
    const noLookup = (): SbLookup => {
      throw new Error('full rounds only');
    };
    const round = (dependents: SbDependents) => {
      const w = mem.begin();
      const out = writeRound(
        engine,
        fx,
        {
          nb: nb.build(),
          changes: [],
          sb: mem.state(),
          sbKeys: keys(),
          sbPort: () => undefined,
          lookup: noLookup,
          full: true,
          dependents: { rows: dependents, changed: new Set() },
        },
        w,
        () => w,
      );
      w.commit();
      fx.commit((ref) => w.uuidOf(ref));
      return { out, ops: w.ops };
    };
    round(deps([]));
    const dps = [...mem.state().Datapath_Binding.values()];
    const dp = (name: string) => dps.find((d) => d.external_ids['name'] === name)!;
    const pbs = [...mem.state().Port_Binding.values()];
    const pkey = (name: string) => pbs.find((p) => p.logical_port === name)!.tunnel_key;
    const rows = deps([
      { table: 'MAC_Binding', uuid: 'm0', row: { datapath: dp('sw0')._uuid, logical_port: 'sw0-p1' } },
      { table: 'MAC_Binding', uuid: 'm1', row: { datapath: dp('sw1')._uuid, logical_port: 'sw1-p1' } },
      { table: 'FDB', uuid: 'f0', row: { dp_key: dp('sw0').tunnel_key, port_key: pkey('sw0-p1') } },
      { table: 'FDB', uuid: 'f1', row: { dp_key: dp('sw1').tunnel_key, port_key: pkey('sw1-p1') } },
      {
        table: 'IGMP_Group',
        uuid: 'g0',
        row: { address: '239.0.1.68', datapath: dp('sw0')._uuid, chassis: 'c' as never },
      },
      {
        table: 'IGMP_Group',
        uuid: 'g1',
        row: { address: '239.0.1.68', datapath: dp('sw1')._uuid, chassis: 'c' as never },
      },
    ]);
    expect(round(rows).ops.filter((o) => o.startsWith('delete'))).toEqual([]);

    nb.switches.delete('sw1');
    nb.lsps.delete('sw1-p1');
    const { out, ops } = round(rows);
    expect(ops.filter((o) => /MAC_Binding|FDB|IGMP_Group|IP_Multicast/.test(o)).sort()).toEqual([
      'delete FDB',
      'delete IGMP_Group',
      'delete IP_Multicast',
      'delete MAC_Binding',
    ]);
    expect(ops).toContain('delete Datapath_Binding');
    expect(out.stats.deleted).toBeGreaterThanOrEqual(6);
  });
});
