// Issue 24, failures in the middle of work: ovnts-controller is SIGKILLed while it computes and installs the
// flows for a large NB change. The switch keeps its flows meanwhile (fail-mode=secure: nothing flushes them),
// and the restarted controller reads the table back and sends only the difference: afterwards the flows
// equal what a controller starting on an empty table installs, and the flows that were already right were
// never removed (their OpenFlow duration runs on from before the kill).
import { describe, expect, it } from 'vitest';
import { startFromSource, useSandbox, waitFor, type Chassis, type Sandbox } from '@ovnts/test-harness';
import { addTwoVmSwitch, startCentral } from './controller-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One flow of `ovs-ofctl dump-flows`: its text without the counters, and its age in seconds. */
interface DumpedFlow {
  readonly key: string;
  readonly duration: number;
}

async function dumpFlows(hv: Chassis): Promise<DumpedFlow[]> {
  const out = await hv.ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt());
  return out
    .split('\n')
    .filter((l) => l.includes('actions='))
    .map((l) => ({
      key: l.replace(/\b(duration|n_packets|n_bytes|idle_age|hard_age)=[^,\s]*,?\s*/g, '').trim(),
      duration: Number(/duration=([\d.]+)s/.exec(l)?.[1] ?? NaN),
    }));
}

let starts = 0;
const startController = (sb: Sandbox, hv: Chassis) =>
  startFromSource(
    sb,
    `${hv.name}-ovnts-controller-${starts++}`,
    'packages/controller/src/bin/ovnts-controller.ts',
    ['-vinfo', hv.db.remotes.unix],
    hv.env,
  );

describe('ovnts-controller killed during a flow install', () => {
  const sandbox = useSandbox();

  it('a restarted controller completes the table without flushing it; flows equal a fresh install', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    const countLflows = async () =>
      (await sbctl('--bare', '--columns=_uuid', 'list', 'Logical_Flow')).split('\n').filter(Boolean).length;
    await addTwoVmSwitch(nbctl);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    let ctl = await startController(sb, hv);
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
    await nbctl('--timeout=60', '--wait=hv', 'sync');
    const before = await dumpFlows(hv);
    const tBefore = Date.now();
    expect(before.length).toBeGreaterThan(50);

    // The table is sampled all along: every change below only adds flows, so no sample may hold fewer
    // flows than `before` (a flush or a half-applied install would show as a dip).
    let sampling = true;
    let minCount = Infinity;
    let samples = 0;
    const sampler = (async () => {
      while (sampling) {
        const n = await dumpFlows(hv).then(
          (f) => f.length,
          () => undefined,
        );
        if (n !== undefined) {
          minCount = Math.min(minCount, n);
          samples++;
        }
        await sleep(25);
      }
    })();

    const kills: string[] = [];
    for (let round = 0; round < 3; round++) {
      const lflowsBefore = await countLflows();
      // One NB transaction with 150 ACLs (a few hundred OpenFlow flows in one install).
      const acls: string[] = [];
      for (let i = 0; i < 150; i++) {
        const prio = String(1000 + round * 200 + i);
        acls.push(
          '--',
          'acl-add',
          'ls1',
          i % 2 ? 'to-lport' : 'from-lport',
          prio,
          `ip4.src == 10.${round}.${i}.0/24 && tcp.dst == ${1000 + i}`,
          'drop',
        );
      }
      await nbctl(...acls.slice(1));
      // Northd has written the new logical flows; the controller is now computing or installing them.
      await waitFor(`round ${round}: northd's flows`, async () => (await countLflows()) > lflowsBefore, 60_000);
      await sleep(Math.random() * 400);
      const atKill = (await dumpFlows(hv)).length;
      await ctl.kill();
      kills.push(`round ${round}: ${atKill} flows at the kill`);
      ctl = await startController(sb, hv);
      await nbctl('--timeout=90', '--wait=hv', 'sync');
    }
    sampling = false;
    await sampler;
    const after = await dumpFlows(hv);
    expect(samples).toBeGreaterThan(0);
    expect(minCount, kills.join('; ')).toBeGreaterThanOrEqual(before.length);

    // The flows that were right before the first kill and still are were never reinstalled: as old as the
    // time since then (OVS resets a flow's duration when it is added again). Most of them are still right
    // (the ACLs retire a few of the stateless pipeline's flows).
    const elapsed = (Date.now() - tBefore) / 1000;
    const age = new Map(after.map((f) => [f.key, f.duration]));
    const kept = before.filter((f) => age.has(f.key));
    expect(kept.length).toBeGreaterThan(before.length / 2);
    expect(kept.filter((f) => age.get(f.key)! < elapsed - 1).map((f) => f.key)).toEqual([]);
    expect((await vm1.exec('ping', ['-c', '2', '-i', '0.3', '-W', '2', '192.168.100.11'])).stdout).toMatch(
      / 0% packet loss/,
    );

    // The reference: a controller starting on an empty table installs exactly the same set.
    await ctl.kill();
    await hv.ofctl('-O', 'OpenFlow15', 'del-flows', hv.mgmt());
    await hv.ofctl('-O', 'OpenFlow15', 'del-groups', hv.mgmt());
    ctl = await startController(sb, hv);
    await nbctl('--timeout=90', '--wait=hv', 'sync');
    await waitFor('the fresh install', async () => (await dumpFlows(hv)).length === after.length, 30_000).catch(
      () => undefined,
    );
    const fresh = await dumpFlows(hv);
    expect(fresh.map((f) => f.key).sort()).toEqual(after.map((f) => f.key).sort());
  }, 240_000);
});
