// SB Meter rows and the meters ACL log actions name, through the incremental engine (each round checked
// against a full compile and a full SB diff by EngineCheck).
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sNbOps } from '../testing/k8s-topology.js';
import { k8sStatefulOps } from '../testing/k8s-stateful.js';
import { MemNb } from '../testing/mem-nb.js';

const shape = { nodes: 4, podsPerNode: 6, vips: 4, acls: 6 };

function setup(): { nb: MemNb; check: EngineCheck } {
  const nb = new MemNb();
  nb.transact([...k8sNbOps(shape), ...k8sStatefulOps(shape)]);
  nb.transact([
    { op: 'insert', table: 'Meter_Band', 'uuid-name': 'b', row: { action: 'drop', rate: 1, burst_size: 0 } },
    { op: 'insert', table: 'Meter', row: { name: 'meter_me', unit: 'pktps', bands: ['named-uuid', 'b'] } },
    { op: 'update', table: 'ACL', where: [], row: { log: true, meter: 'meter_me', name: 'logged' } },
  ]);
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  return { nb, check };
}

function step(nb: MemNb, check: EngineCheck, ops: unknown[]) {
  nb.transact(ops);
  return check.round(nb.snapshot(), nb.takeChanges().changes);
}

const meters = (check: EngineCheck) => [...check.sb.state().Meter.values()].map((m) => m.name).sort();
/** The rates of the bands the SB meters refer to (the in-memory SB does not collect unreferenced ones). */
const bands = (check: EngineCheck) => {
  const sb = check.sb.state();
  return [...sb.Meter.values()].flatMap((m) => m.bands.map((u) => sb.Meter_Band.get(u)!.rate));
};
const logMeters = (check: EngineCheck) =>
  new Set(
    check.engine
      .compiled()
      .logicalFlows.flatMap((f) => [...f.actions.matchAll(/log\(.*meter="([^"]+)"/g)].map((m) => m[1]!)),
  );

describe('meters', () => {
  it('copies the NB meter to the SB; ACL logs name it', () => {
    const { check } = setup();
    expect(meters(check)).toEqual(['meter_me']);
    expect(bands(check)).toEqual([1]);
    expect([...logMeters(check)]).toEqual(['meter_me']);
  });

  it('a fair meter gets one copy per logging ACL, named by the ACL, and their logs name the copies', () => {
    const { nb, check } = setup();
    const acls = [...nb.rows('ACL').keys()].sort();
    const r = step(nb, check, [{ op: 'update', table: 'Meter', where: [], row: { fair: true } }]);
    expect(r.full).toBe(true); // which meters are fair changes every logging ACL's actions: recomputed
    const copies = acls.map((u) => `meter_me__${u}`);
    expect(meters(check)).toEqual(['meter_me', ...copies].sort());
    expect([...logMeters(check)].sort()).toEqual(copies);

    // A band change is written to every copy, incrementally.
    const band = [...nb.rows('Meter_Band').keys()][0]!;
    const r2 = step(nb, check, [
      { op: 'update', table: 'Meter_Band', where: [['_uuid', '==', ['uuid', band]]], row: { rate: 123 } },
    ]);
    expect(r2.full).toBe(false);
    expect(bands(check)).toEqual(acls.map(() => 123).concat(123));

    // An ACL that stops using the meter loses its copy, incrementally.
    const acl = acls[0]!;
    const r3 = step(nb, check, [
      { op: 'update', table: 'ACL', where: [['_uuid', '==', ['uuid', acl]]], row: { meter: ['set', []] } },
    ]);
    expect(r3.full).toBe(false);
    expect(meters(check)).not.toContain(`meter_me__${acl}`);
    expect(meters(check)).toHaveLength(acls.length);
  });

  it('deleting the meter deletes its copies; the logs keep naming the meter', () => {
    const { nb, check } = setup();
    step(nb, check, [{ op: 'update', table: 'Meter', where: [], row: { fair: true } }]);
    step(nb, check, [{ op: 'delete', table: 'Meter', where: [] }]);
    expect(meters(check)).toEqual([]);
    expect([...logMeters(check)]).toEqual(['meter_me']);
  });
});
