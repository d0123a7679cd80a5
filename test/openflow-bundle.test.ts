// Bundles, typed switch errors and flow-table sync against a real ovs-vswitchd.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox, type Chassis } from '@ovnts/test-harness';
import { applyFlowMods } from '@ovnts/controller';
import {
  BundleError,
  OpenFlowError,
  SwitchConnection,
  formatFlow,
  m,
  parseFlow,
  type Flow,
  type OfMessage,
} from '@ovnts/openflow';

const add = (flow: Flow): OfMessage => ({ type: 'flow_mod', command: 'add', flow });
const flowCount = async (hv: Chassis, table?: number) => {
  const out = await hv.ofctl(
    '-O',
    'OpenFlow15',
    'dump-aggregate',
    hv.mgmt(),
    ...(table === undefined ? [] : [`table=${table}`]),
  );
  return Number(/flow_count=(\d+)/.exec(out)?.[1]);
};
const dump = async (hv: Chassis, table: number) =>
  (await hv.ofctl('-O', 'OpenFlow15', '--no-stats', 'dump-flows', hv.mgmt(), `table=${table}`))
    .split('\n')
    .filter((l) => l.startsWith(' '))
    .map((l) => l.trim())
    .sort();

describe('bundles, errors and sync against ovs-vswitchd', () => {
  const sandbox = useSandbox();
  let hv: Chassis;
  let conn: SwitchConnection;

  beforeAll(async () => {
    hv = await sandbox().startChassis({ sbRemote: 'unix:/nonexistent' });
    conn = new SwitchConnection({ target: hv.mgmt(), reconnect: false });
    await conn.connect();
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('a bundle with one invalid flow applies nothing and names the offending message', async () => {
    const good = Array.from({ length: 20 }, (_, i): Flow => ({
      table: 10,
      priority: 100 + i,
      match: [m('reg0', i)],
      actions: [{ type: 'resubmit', table: 11 }],
    }));
    // tcp_dst without ip+tcp prerequisites: OVS refuses it with OFPBMC_BAD_PREREQ.
    const bad: Flow = { table: 10, priority: 1, match: [m('tcp_dst', 80)], actions: [] };
    const err = await conn
      .bundle([...good.slice(0, 10).map(add), add(bad), ...good.slice(10).map(add)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    const names = (err as BundleError).errors.map((e) => e.errorName);
    expect(names).toEqual(['OFPBMC_BAD_PREREQ']);
    expect((err as BundleError).indexes).toEqual([10]); // the 11th message, identified by its xid
    expect((err as BundleError).errors.every((e) => e instanceof OpenFlowError && e.xid > 0)).toBe(true);
    expect(await flowCount(hv, 10)).toBe(0);

    await conn.bundle(good.map(add));
    expect(await flowCount(hv, 10)).toBe(20);
  });

  it('a pipelined bundle (commit sent with the adds) commits the others and names the refused message', async () => {
    const flows = Array.from({ length: 5 }, (_, i): Flow => ({
      table: 12,
      priority: 100 + i,
      match: [m('reg0', i)],
      actions: [{ type: 'resubmit', table: 13 }],
    }));
    const bad: Flow = { table: 12, priority: 1, match: [m('tcp_dst', 80)], actions: [] };
    const err = await conn
      .bundle([...flows.slice(0, 2).map(add), add(bad), ...flows.slice(2).map(add)], { pipelined: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).errors.map((e) => e.errorName)).toEqual(['OFPBMC_BAD_PREREQ']);
    expect((err as BundleError).indexes).toEqual([2]);
    expect(await flowCount(hv, 12)).toBe(5);
    // Without a refusal it is one plain atomic bundle.
    await conn.bundle(
      [{ type: 'flow_mod', command: 'delete', flow: { table: 12, priority: 0, match: [], actions: [] } }],
      {
        pipelined: true,
      },
    );
    expect(await flowCount(hv, 12)).toBe(0);
  });

  it('a streamed bundle (openBundle) applies nothing before its commit, then every add of every call', async () => {
    const flows = Array.from({ length: 6 }, (_, i): Flow => ({
      table: 16,
      priority: 100 + i,
      match: [m('reg0', i)],
      actions: [{ type: 'resubmit', table: 17 }],
    }));
    const b = conn.openBundle();
    await b.add(flows.slice(0, 3).map(add));
    await b.add(flows.slice(3).map(add));
    await conn.barrier();
    expect(await flowCount(hv, 16)).toBe(0);
    expect(b.size).toBe(6);
    await b.commit();
    expect(await flowCount(hv, 16)).toBe(6);

    // A refused add: the commit discards the whole bundle and names the message by its place among all adds.
    const c = conn.openBundle();
    await c.add([add({ ...flows[0]!, table: 18 })]);
    await c.add([
      add({ ...flows[1]!, table: 18 }),
      add({ table: 18, priority: 1, match: [m('tcp_dst', 80)], actions: [] }),
    ]);
    const err = await c.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).errors.map((e) => e.errorName)).toEqual(['OFPBMC_BAD_PREREQ']);
    expect((err as BundleError).indexes).toEqual([2]);
    expect(await flowCount(hv, 18)).toBe(0);
    await expect(c.add([add(flows[0]!)])).rejects.toThrow(/closed/);

    // A discarded bundle leaves nothing either.
    const d = conn.openBundle();
    await d.add([add({ ...flows[0]!, table: 19 })]);
    await d.discard();
    expect(await flowCount(hv, 19)).toBe(0);
  });

  it("the controller's install: a refused flow is reported and left out, the rest is in the switch", async () => {
    const flows = Array.from({ length: 4 }, (_, i): Flow => ({
      table: 14,
      priority: 100 + i,
      match: [m('reg0', i)],
      actions: [{ type: 'resubmit', table: 15 }],
    }));
    const bad: Flow = { table: 14, priority: 1, match: [m('tcp_dst', 80)], actions: [] };
    const refused = await applyFlowMods(conn, [add(flows[0]!), add(bad), ...flows.slice(1).map(add)]);
    expect(refused.map((r) => [r.flow, r.error])).toEqual([[bad, 'OFPBMC_BAD_PREREQ']]);
    expect(await flowCount(hv, 14)).toBe(4);
  });

  it('a bundle of 50k flows applies completely', async () => {
    const flows = Array.from({ length: 50_000 }, (_, i): Flow => ({
      table: 20,
      priority: 1000,
      match: [m('eth_type', 0x0800), m('metadata', 1 + (i >> 12)), m('reg14', i & 0xfff), m('ip_dst', 0x0a000000 + i)],
      actions: [
        { type: 'set_field', field: 'reg15', value: BigInt(i) },
        { type: 'resubmit', table: 21 },
      ],
    }));
    await conn.bundle(flows.map(add));
    expect(await flowCount(hv, 20)).toBe(50_000);
    await conn.sendChecked([
      { type: 'flow_mod', command: 'delete', flow: { table: 20, priority: 0, match: [], actions: [] } },
    ]);
    expect(await flowCount(hv, 20)).toBe(0);
  }, 60_000);

  it('switch errors are decoded to names and carry the offending xid', async () => {
    // goto_table must go forward: table 5 → 1 is OFPBIC_BAD_TABLE_ID.
    const xid1 = conn.send(add({ table: 5, priority: 1, match: [], actions: [{ type: 'goto_table', table: 1 }] }));
    const [e1] = (await once(conn, 'switch_error')) as [OpenFlowError];
    expect(e1).toBeInstanceOf(OpenFlowError);
    expect(e1.xid).toBe(xid1);
    expect(e1.errorName).toBe('OFPBIC_BAD_TABLE_ID');

    // ct_nw_src without a tracked connection is a bad prerequisite (a "bad field" for this match).
    const bad = add({ table: 0, priority: 1, match: [m('eth_type', 0x0800), m('ct_nw_src', 0x01010101)], actions: [] });
    const e2 = await conn
      .sendChecked([add({ table: 0, priority: 2, match: [], actions: [] }), bad])
      .catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(OpenFlowError);
    expect((e2 as OpenFlowError).errorName).toBe('OFPBMC_BAD_PREREQ');
    // The first message of the batch was fine and stays installed; the error's xid is the second one's.
    expect(await dump(hv, 0)).toContain('priority=2 actions=drop');

    // Vendor (Nicira) error: a TLV mapping onto an out-of-range field index.
    const e3 = await conn
      .sendChecked([
        {
          type: 'tlv_table_mod',
          command: 'add',
          mappings: [{ optClass: 0x102, optType: 0x81, optLen: 4, index: 200 }],
        },
      ])
      .catch((e: unknown) => e);
    expect((e3 as OpenFlowError).errorName).toBe('NXTTMFC_BAD_FIELD_IDX');
  });

  it('syncFlows applies the minimal add/modify/delete set in one bundle', async () => {
    const base = [
      'table=30, priority=10,ip,reg14=0x1 actions=resubmit(,31)',
      'table=30, priority=10,ip,reg14=0x2 actions=resubmit(,31)',
      'table=30, priority=10,ip,reg14=0x3 actions=resubmit(,31)',
      'cookie=0x5, table=30, priority=5,arp actions=drop',
    ].map(parseFlow);
    let plan = await conn.syncFlows(base, { table: 30 });
    expect([plan.add.length, plan.modify.length, plan.remove.length]).toEqual([4, 0, 0]);
    expect(await dump(hv, 30)).toEqual(base.map(formatFlow).sort());

    const desired = [
      base[0]!, // unchanged
      parseFlow('table=30, priority=10,ip,reg14=0x2 actions=set_field:0x2->reg15,resubmit(,31)'), // modified
      parseFlow('table=30, priority=10,ip,reg14=0x4 actions=resubmit(,31)'), // new
      parseFlow('cookie=0x6, table=30, priority=5,arp actions=drop'), // cookie change → re-add
      // reg14=0x3 removed
    ];
    plan = await conn.syncFlows(desired, { table: 30 });
    expect([plan.add.length, plan.modify.length, plan.remove.length]).toEqual([2, 1, 1]);
    expect(await dump(hv, 30)).toEqual(desired.map(formatFlow).sort());

    plan = await conn.syncFlows(desired, { table: 30 });
    expect([plan.add.length, plan.modify.length, plan.remove.length]).toEqual([0, 0, 0]);
  });
});
