// Flows ovs-vswitchd refuses (their group or meter does not exist yet) are left out, logged once, and
// installed once what they need exists: at once when the installer adds the group or meter itself, after
// the back-off when someone else does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { useSandbox, waitFor, type Chassis } from '@ovnts/test-harness';
import { SwitchConnection, parseFlow, type Group, type Meter } from '@ovnts/openflow';
import { DesiredFlows, FlowInstaller } from '@ovnts/controller';

const ofctl = (hv: Chassis, ...args: string[]) => hv.ofctl('-O', 'OpenFlow15', ...args);
const flowLines = async (hv: Chassis) =>
  (await ofctl(hv, 'dump-flows', hv.mgmt()))
    .split('\n')
    .filter((l) => l.includes('actions='))
    .map((l) => l.replace(/\b(cookie|duration|n_packets|n_bytes|idle_age|hard_age)=[^,\s]*,?\s*/g, '').trim());

const group = (groupId: number): Group => ({
  groupId,
  type: 'select',
  buckets: [{ actions: [{ type: 'resubmit', table: 20 }] }],
});
const meter = (meterId: number): Meter => ({ meterId, flags: ['pktps'], bands: [{ type: 'drop', rate: 100 }] });

describe('flows ovs-vswitchd refuses', () => {
  const sandbox = useSandbox();
  let hv: Chassis;
  let conn: SwitchConnection;
  const warnings: Record<string, unknown>[] = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => void warnings.push(JSON.parse(l)) });

  beforeAll(async () => {
    hv = await sandbox().startChassis({ sbRemote: 'unix:/nonexistent' });
    conn = new SwitchConnection({ target: hv.mgmt(), reconnect: false });
    await conn.connect();
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('installs a flow refused for a missing group or meter once the installer adds it', async () => {
    const installer = new FlowInstaller(conn, log);
    const desired = new DesiredFlows();
    desired.set('a', [
      parseFlow('table=10, priority=5,reg0=0x1 actions=drop'),
      parseFlow('table=10, priority=5,reg0=0x2 actions=group:7'),
      parseFlow('table=10, priority=5,reg0=0x3 actions=meter:5,resubmit(,20)'),
    ]);
    await installer.sync(desired, []);
    expect(await flowLines(hv)).toEqual(['table=10, priority=5,reg0=0x1 actions=drop']);
    expect(installer.refusedCount).toBe(2);
    expect(warnings.map((w) => [w['table'], w['match'], w['error']])).toEqual([
      [10, 'priority=5,reg0=0x2', 'OFPBAC_BAD_OUT_GROUP'],
      [10, 'priority=5,reg0=0x3', 'OFPMMFC_INVALID_METER'],
    ]);

    // Nothing about the flows changed; the group and the meter now exist, and the flows go in with them.
    await installer.sync(desired, [group(7)], [meter(5)]);
    expect((await flowLines(hv)).sort()).toEqual([
      'table=10, priority=5,reg0=0x1 actions=drop',
      'table=10, priority=5,reg0=0x2 actions=group:7',
      'table=10, priority=5,reg0=0x3 actions=meter:5,resubmit(,20)',
    ]);
    expect(installer.refusedCount).toBe(0);
    expect(warnings).toHaveLength(2); // logged once each
  });

  it('retries on its own, after the back-off, a flow whose group someone else adds', async () => {
    let syncs = 0;
    const desired = new DesiredFlows();
    const installer: FlowInstaller = new FlowInstaller(conn, log, {
      onRetryDue: () => {
        syncs++;
        void installer.sync(desired, [group(7)], [meter(5)]);
      },
    });
    desired.set('b', [parseFlow('table=11, priority=5,reg0=0x4 actions=group:9')]);
    await installer.sync(desired, [group(7)], [meter(5)]);
    expect((await flowLines(hv)).filter((l) => l.startsWith('table=11'))).toEqual([]);
    await ofctl(hv, 'add-group', hv.mgmt(), 'group_id=9,type=all,bucket=actions=resubmit(,20)');
    await waitFor(
      'the refused flow installed after its back-off',
      async () => (await flowLines(hv)).includes('table=11, priority=5,reg0=0x4 actions=group:9'),
      10_000,
    );
    // Retries back off (due 1, 3, 7 s after the refusal): a few within the wait, no storm.
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(4);
    expect(installer.refusedCount).toBe(0);
    installer.close();
  });
});
