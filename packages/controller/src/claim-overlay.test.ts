import { describe, expect, it } from 'vitest';
import type { RowChange, Uuid } from 'ovsdb-client-ts';
import type { PortBinding, Tables as SbTables } from '@ovnts/schema/sb';
import { ClaimOverlay } from './claim-overlay.js';
import { ChassisEngine } from './engine/graph.js';
import { equivalenceReport } from './engine/equivalence.js';
import { groupChanges } from './engine/inputs.js';
import { type AnyRow, U, pb, snapshot } from './test-rows.js';
import type { OvsIface, SbSnapshot } from './view.js';

const ME = U(100) as Uuid<'Chassis'>;
const OTHER = U(101) as Uuid<'Chassis'>;
const DP = U(50);
const row = (r: AnyRow) => r as unknown as PortBinding;
const sbWith = (...ports: PortBinding[]) => snapshot({ Port_Binding: ports as unknown as AnyRow[] });
const modify = (old: PortBinding, next: PortBinding): RowChange<SbTables> => ({
  kind: 'modify',
  table: 'Port_Binding',
  uuid: old._uuid,
  old,
  new: next,
});

describe('ClaimOverlay', () => {
  const base = row(pb(1, 'pod1', DP, 3));
  const other = row(pb(2, 'pod2', DP, 4));
  const claimed = { ...base, chassis: ME };

  it('passes the snapshot and changes through while nothing is claimed', () => {
    const o = new ClaimOverlay();
    const sb = sbWith(base);
    const changes = [modify(other, other)];
    const r = o.apply(sb, changes);
    expect(r.sb).toBe(sb);
    expect(r.changes).toBe(changes);
  });

  it('shows a claim in flight as the claim writes it, with the change from the replica row', () => {
    const o = new ClaimOverlay();
    const sb = sbWith(base, other);
    o.add(base, claimed);
    expect(o.inFlight(base)).toBe(true);
    const r = o.apply(sb, []);
    expect(r.sb.Port_Binding.get(base._uuid)).toBe(claimed);
    expect(r.sb.Port_Binding.get(other._uuid)).toBe(other);
    expect(sb.Port_Binding.get(base._uuid)).toBe(base); // the replica's snapshot is not touched
    expect(r.changes).toEqual([modify(base, claimed)]);
    // A later round with the echo not in yet: the same row, no change.
    const again = o.apply(sb, [modify(other, other)]);
    expect(again.sb.Port_Binding.get(base._uuid)).toBe(claimed);
    expect(again.changes).toEqual([modify(other, other)]);
  });

  it('gives way to the echo: the change starts from the overlaid row', () => {
    const o = new ClaimOverlay();
    o.add(base, claimed);
    o.apply(sbWith(base), []);
    const echo = { ...base, chassis: ME, _version: 'v2' } as PortBinding;
    const r = o.apply(sbWith(echo), [modify(base, echo)]);
    expect(r.sb.Port_Binding.get(base._uuid)).toBe(echo);
    expect(r.changes).toEqual([modify(claimed, echo)]);
    expect(o.inFlight(echo)).toBe(false);
    expect(o.size).toBe(0);
    const quiet = sbWith(echo);
    expect(o.apply(quiet, []).sb).toBe(quiet);
  });

  it('reverts a claim that another chassis won', () => {
    const o = new ClaimOverlay();
    o.add(base, claimed);
    o.apply(sbWith(base), []);
    const theirs = { ...base, chassis: OTHER } as PortBinding;
    const r = o.apply(sbWith(theirs), [modify(base, theirs)]);
    expect(r.sb.Port_Binding.get(base._uuid)).toBe(theirs);
    expect(r.changes).toEqual([modify(claimed, theirs)]);
  });

  it('reverts a claim whose transaction failed, with no replica change', () => {
    const o = new ClaimOverlay();
    const sb = sbWith(base);
    o.add(base, claimed);
    o.apply(sb, []);
    o.fail([base._uuid]);
    expect(o.inFlight(base)).toBe(false);
    const r = o.apply(sb, []);
    expect(r.sb.Port_Binding.get(base._uuid)).toBe(base);
    expect(r.changes).toEqual([modify(claimed, base)]);
    expect(o.apply(sb, []).changes).toEqual([]);
  });

  it('turns a claimed row deleted meanwhile into a delete of the overlaid row', () => {
    const o = new ClaimOverlay();
    o.add(base, claimed);
    o.apply(sbWith(base), []);
    const r = o.apply(sbWith(), [
      { kind: 'delete', table: 'Port_Binding', uuid: base._uuid, old: base, new: undefined },
    ]);
    expect(r.sb.Port_Binding.has(base._uuid)).toBe(false);
    expect(r.changes).toEqual([
      { kind: 'delete', table: 'Port_Binding', uuid: base._uuid, old: claimed, new: undefined },
    ]);
  });

  it('drops a claim whose row changed before the engine saw it', () => {
    const o = new ClaimOverlay();
    o.add(base, claimed);
    const moved = { ...base, tunnel_key: 9 } as PortBinding;
    const r = o.apply(sbWith(moved), [modify(base, moved)]);
    expect(r.sb.Port_Binding.get(base._uuid)).toBe(moved);
    expect(r.changes).toEqual([modify(base, moved)]);
  });
});

describe('ClaimOverlay with the engine', () => {
  // hv1 (this chassis) hosts pod1 on ls1; pod2's interface is plugged here too and its claim is in flight.
  const dp = U(10);
  const chassis = [
    { _uuid: ME, name: 'hv1', encaps: [], other_config: {}, external_ids: {} },
    { _uuid: OTHER, name: 'hv2', encaps: [], other_config: {}, external_ids: {} },
  ];
  const lflows = ['pod1', 'pod2'].flatMap((p, i) => [
    { pipeline: 'ingress', table_id: 0, match: `inport == "${p}"`, actions: 'next;', n: 20 + 2 * i },
    { pipeline: 'egress', table_id: 9, match: `outport == "${p}"`, actions: 'output;', n: 21 + 2 * i },
  ]);
  const rows = (pod2: AnyRow) => ({
    Chassis: chassis,
    Datapath_Binding: [{ _uuid: dp, tunnel_key: 1, external_ids: { 'logical-switch': 'ls1' } }],
    Port_Binding: [pb(1, 'pod1', dp, 1, { ...more, chassis: ME }), pod2],
    Logical_Flow: lflows.map(({ n, ...lf }) => ({
      _uuid: U(n),
      ...lf,
      priority: 50,
      controller_meter: null,
      logical_datapath: dp,
      logical_dp_group: null,
      external_ids: {},
      tags: {},
    })),
  });
  const ifaces: OvsIface[] = [
    { name: 'tap1', ofport: 1, type: '', ifaceId: 'pod1' },
    { name: 'tap2', ofport: 2, type: '', ifaceId: 'pod2' },
    { name: 'ovn-hv2-0', ofport: 100, type: 'geneve', tunnelChassis: 'hv2' },
  ];
  const more = { tag: null, mac: ['00:00:00:00:00:02 10.0.0.2'], port_security: [], external_ids: {} };
  const pod2 = (extra: Partial<AnyRow> = {}) => pb(2, 'pod2', dp, 2, { ...more, ...extra });

  it('the engine computes a claim in flight, and a refused or lost claim, as a full computation does', () => {
    const engine = new ChassisEngine();
    const overlay = new ClaimOverlay();
    let prev: SbSnapshot = snapshot({});
    const round = (sb: SbSnapshot) => {
      // The replica's changes since the previous round, as takeChanges coalesces them.
      const changes: RowChange<SbTables>[] = [];
      for (const t of Object.keys(sb) as (keyof SbTables)[]) {
        const a = prev[t] as unknown as ReadonlyMap<string, AnyRow>;
        const b = sb[t] as unknown as ReadonlyMap<string, AnyRow>;
        for (const [u, r] of b)
          if (a.get(u) !== r)
            changes.push({ kind: a.has(u) ? 'modify' : 'insert', table: t, uuid: u, old: a.get(u), new: r } as never);
        for (const [u, r] of a)
          if (!b.has(u)) changes.push({ kind: 'delete', table: t, uuid: u, old: r, new: undefined } as never);
      }
      prev = sb;
      const o = overlay.apply(sb, changes);
      const input = { sb: o.sb, sbChanges: groupChanges(o.changes), chassisName: 'hv1', ifaces, bridgeExternalIds: {} };
      const r = engine.run(input);
      const rep = equivalenceReport(engine.desired, r.groups, input);
      expect(rep.onlyIncremental).toEqual([]);
      expect(rep.onlyFull).toEqual([]);
      return { flows: engine.desired.size, pod2Local: r.view.localVifs.has(U(2) as Uuid<'Port_Binding'>) };
    };
    const unbound = row(pod2());
    const before = snapshot(rows(unbound as unknown as AnyRow));
    const idle = round(before);
    expect(idle.pod2Local).toBe(false);
    // The claim: pod2's flows in the same round, before any echo.
    overlay.add(unbound, { ...unbound, chassis: ME });
    const claimed = round(before);
    expect(claimed.pod2Local).toBe(true);
    expect(claimed.flows).toBeGreaterThan(idle.flows);
    // Refused: back to the replica's row.
    overlay.fail([unbound._uuid]);
    expect(round(before)).toEqual(idle);
    // Claimed again, but hv2 wins.
    overlay.add(unbound, { ...unbound, chassis: ME });
    expect(round(before).pod2Local).toBe(true);
    expect(round(snapshot(rows(pod2({ chassis: OTHER, _version: 'v2' })))).pod2Local).toBe(false);
    // Claimed from hv2, and the echo comes back.
    const theirs = prev.Port_Binding.get(unbound._uuid)!;
    overlay.add(theirs, { ...theirs, chassis: ME });
    expect(round(prev).pod2Local).toBe(true);
    const echo = round(snapshot(rows(pod2({ chassis: ME, _version: 'v3' }))));
    expect(echo).toEqual(claimed);
    expect(overlay.size).toBe(0);
  });
});
