// BFD sessions: SB rows (source ports, discriminators, timers, status) and the NB status, as ovn-northd
// 23.03 settles them; and through the engine, each incremental round held to a full compile.
import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import { schema as nbSchema, type BFD as NbBfd } from '@ovnts/schema/nb';
import { schema as sbSchema, type BFD as SbBfd } from '@ovnts/schema/sb';
import { makeRow } from '../testing/rows.js';
import { EngineCheck } from '../testing/engine-check.js';
import { MemNb } from '../testing/mem-nb.js';
import { bfdNbUpdates, bfdStatus, syncBfdRows, type BfdInput } from './bfd.js';

type Row = Record<string, unknown>;
const nbBfd = (uuid: string, row: Partial<NbBfd>) =>
  makeRow<NbBfd>(nbSchema, 'BFD', row as Record<string, unknown>, uuid);
const sbBfd = (uuid: string, row: Partial<SbBfd>) =>
  makeRow<SbBfd>(sbSchema, 'BFD', row as Record<string, unknown>, uuid);

function record() {
  const ops: { op: string; uuid?: string; row?: Row }[] = [];
  return {
    ops,
    w: {
      ins: (_t: 'BFD', row: Row) => ops.push({ op: 'insert', row }),
      upd: (_t: 'BFD', uuid: Uuid, cur: object, row: Row) => {
        const diff = Object.fromEntries(Object.entries(row).filter(([k, v]) => Reflect.get(cur, k) !== v));
        if (Object.keys(diff).length) ops.push({ op: 'update', uuid, row: diff });
      },
      del: (_t: 'BFD', uuid: Uuid) => ops.push({ op: 'delete', uuid }),
    },
  };
}

describe('BFD status', () => {
  const nb = (status: NbBfd['status']) => nbBfd('n', { logical_port: 'p', dst_ip: '1.1.1.1', status });
  const sb = (status: SbBfd['status']) => sbBfd('s', { logical_port: 'p', dst_ip: '1.1.1.1', status });
  it('unused sessions are admin_down; a route takes them to down; then the SB state wins', () => {
    expect(bfdStatus(nb(null), false, undefined)).toBe('admin_down');
    expect(bfdStatus(nb('down'), false, sb('up'))).toBe('admin_down');
    expect(bfdStatus(nb('admin_down'), true, sb('admin_down'))).toBe('down');
    expect(bfdStatus(nb('down'), true, sb('up'))).toBe('up');
    expect(bfdStatus(nb('up'), true, sb('admin_down'))).toBe('up');
  });
});

describe('syncBfdRows', () => {
  it('inserts with the lowest free source ports, defaults for unset timers, a discriminator >= 1', () => {
    const input: BfdInput = {
      sessions: [
        nbBfd('a', { logical_port: 'p1', dst_ip: '10.0.0.2', min_tx: 250, min_rx: 250, detect_mult: 10 }),
        nbBfd('b', { logical_port: 'p2', dst_ip: '10.0.1.2' }),
      ],
      referenced: new Set(['b']),
    };
    const { ops, w } = record();
    // 49152 is taken by a session that goes: its port is not reused in the same round.
    syncBfdRows(input, [sbBfd('old', { logical_port: 'x', dst_ip: '1.1.1.1', src_port: 49152 })], w, () => 0);
    expect(ops).toEqual([
      {
        op: 'insert',
        row: {
          logical_port: 'p1',
          dst_ip: '10.0.0.2',
          status: 'admin_down',
          min_tx: 250,
          min_rx: 250,
          detect_mult: 10,
          src_port: 49153,
          disc: 1,
        },
      },
      {
        op: 'insert',
        row: {
          logical_port: 'p2',
          dst_ip: '10.0.1.2',
          status: 'down',
          min_tx: 1000,
          min_rx: 1000,
          detect_mult: 5,
          src_port: 49154,
          disc: 1,
        },
      },
      { op: 'delete', uuid: 'old' },
    ]);
  });

  it('keeps source port and discriminator, updates timers; the NB follows the SB state', () => {
    const session = nbBfd('a', { logical_port: 'p1', dst_ip: '10.0.0.2', status: 'down', min_rx: 500 });
    const cur = sbBfd('s1', {
      logical_port: 'p1',
      dst_ip: '10.0.0.2',
      status: 'up',
      src_port: 49160,
      disc: 77,
      min_tx: 1000,
      min_rx: 1000,
      detect_mult: 5,
    });
    const input: BfdInput = { sessions: [session], referenced: new Set(['a']) };
    const { ops, w } = record();
    syncBfdRows(input, [cur], w);
    expect(ops).toEqual([{ op: 'update', uuid: 's1', row: { min_rx: 500 } }]);
    expect(bfdNbUpdates(input, [cur])).toEqual([{ uuid: 'a', status: 'up' }]);
    // The route goes: admin_down on both sides.
    const unused: BfdInput = { sessions: [session], referenced: new Set() };
    expect(bfdNbUpdates(unused, [cur])).toEqual([{ uuid: 'a', status: 'admin_down' }]);
  });
});

describe('BFD through the engine', () => {
  const set = (xs: unknown[]) => ['set', xs];
  const named = (n: string) => ['named-uuid', n];
  it('a static route naming a session marks it used (status down in the SB)', () => {
    const nb = new MemNb();
    nb.transact([
      { op: 'insert', table: 'NB_Global', row: {} },
      {
        op: 'insert',
        table: 'Logical_Router_Port',
        'uuid-name': 'p',
        row: { name: 'r0-sw1', mac: '00:00:00:00:00:01', networks: set(['192.168.1.1/24']) },
      },
      { op: 'insert', table: 'Logical_Router', 'uuid-name': 'r', row: { name: 'r0', ports: set([named('p')]) } },
    ]);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    const [bfd] = nb.transact([
      { op: 'insert', table: 'BFD', row: { logical_port: 'r0-sw1', dst_ip: '192.168.1.2', min_tx: 250 } },
    ]);
    expect(check.round(nb.snapshot(), nb.takeChanges().changes).full).toBe(false);
    const sbRows = () => [...check.sb.tables.get('BFD')!.values()];
    expect(sbRows()).toMatchObject([{ logical_port: 'r0-sw1', status: 'admin_down', min_tx: 250, src_port: 49152 }]);
    expect(check.engine.bfdInput().referenced.size).toBe(0);

    const lr = [...nb.snapshot().Logical_Router.values()][0]!;
    nb.transact([
      {
        op: 'insert',
        table: 'Logical_Router_Static_Route',
        'uuid-name': 'rt',
        row: { ip_prefix: '100.0.0.0/8', nexthop: '192.168.1.2', bfd: ['uuid', bfd!] },
      },
      {
        op: 'update',
        table: 'Logical_Router',
        where: [['_uuid', '==', ['uuid', lr._uuid]]],
        row: { static_routes: set([named('rt')]) },
      },
    ]);
    expect(check.round(nb.snapshot(), nb.takeChanges().changes).full).toBe(false);
    expect(sbRows()).toMatchObject([{ status: 'down', src_port: 49152 }]);
    expect([...check.engine.bfdInput().referenced]).toEqual([bfd]);
  });
});
