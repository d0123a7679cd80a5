// Logical-flow compilation for local datapaths: datapath groups expanded, only local datapaths, and the
// compile cache (reuse while nothing relevant changed, recompile when the datapath's ports change).
import { describe, expect, it } from 'vitest';
import { formatFlow } from '@ovnts/openflow';
import { GroupTable } from './groups.js';
import { LflowCache, logicalFlows } from './logical.js';
import { type AnyRow, pb, snapshot, U } from './test-rows.js';
import { buildLocalView, type SbSnapshot } from './view.js';

const HV1 = U(0x300);
const dp = (n: number, key: number): AnyRow => ({
  _uuid: U(n),
  tunnel_key: key,
  external_ids: { 'logical-switch': String(n) },
});
const lflow = (n: number, match: string, actions: string, where: Partial<AnyRow>): AnyRow => ({
  _uuid: U(n),
  _version: U(n + 1),
  pipeline: 'ingress',
  table_id: 0,
  priority: 100,
  match,
  actions,
  controller_meter: null,
  external_ids: {},
  tags: {},
  logical_datapath: null,
  logical_dp_group: null,
  ...where,
});

function base(extraPorts: AnyRow[] = [], extraFlows: AnyRow[] = [], cChassis: string | null = null): SbSnapshot {
  return snapshot({
    Chassis: [{ _uuid: HV1, name: 'hv1', encaps: [] }],
    Datapath_Binding: [dp(0x10, 1), dp(0x20, 2), dp(0x30, 3)],
    Port_Binding: [
      pb(0x11, 'a', U(0x10), 1, { chassis: HV1 }),
      pb(0x21, 'b', U(0x20), 1, { chassis: HV1 }),
      pb(0x31, 'c', U(0x30), 1, { chassis: cChassis }),
      ...extraPorts,
    ],
    Logical_DP_Group: [{ _uuid: U(0x99), datapaths: [U(0x10), U(0x20), U(0x30)] }],
    Logical_Flow: [
      lflow(0x1000, 'eth.src == 00:00:00:00:00:01', 'next;', { logical_dp_group: U(0x99) }),
      lflow(0x2000, 'inport == "a"', 'outport = "a"; output;', { logical_datapath: U(0x10) }),
      ...extraFlows,
    ],
  });
}
const ifaces = [
  { name: 'ta', ofport: 1, type: 'internal', ifaceId: 'a' },
  { name: 'tb', ofport: 2, type: 'internal', ifaceId: 'b' },
];

describe('logical flows', () => {
  it('expands datapath groups over local datapaths only', () => {
    const sb = base();
    const r = logicalFlows(buildLocalView(sb, 'hv1', ifaces), sb, new GroupTable());
    expect(r.errors).toEqual([]);
    const text = r.flows.map(formatFlow).sort();
    expect(
      text.filter((t) => t.includes('dl_src=00:00:00:00:00:01')).map((t) => /metadata=0x(\d)/.exec(t)?.[1]),
    ).toEqual(['1', '2']);
    expect(text).toContain(
      'cookie=0x2000, table=8, priority=100,reg14=0x1,metadata=0x1 actions=set_field:0x1->reg15,resubmit(,37)',
    );
  });

  it('compiles inport flows of a vtep port bound to a VTEP gateway elsewhere (its packets reach every chassis)', () => {
    const sb = base(
      [pb(0x13, 'lp-vtep', U(0x10), 3, { type: 'vtep', chassis: U(0x301) })],
      [lflow(0x3000, 'inport == "lp-vtep"', 'reg0[14] = 1; next;', { logical_datapath: U(0x10) })],
    );
    const text = logicalFlows(buildLocalView(sb, 'hv1', ifaces), sb, new GroupTable()).flows.map(formatFlow);
    expect(text.some((t) => t.startsWith('cookie=0x3000,') && t.includes('reg14=0x3,metadata=0x1'))).toBe(true);
  });

  it('reuses compiled flows until the datapath changes', () => {
    const cache = new LflowCache();
    const groups = new GroupTable();
    const sb = base();
    const first = logicalFlows(buildLocalView(sb, 'hv1', ifaces), sb, groups, undefined, cache).flows.map(formatFlow);
    // The shared flow compiles once and is retargeted to the second datapath.
    expect([cache.misses, cache.hits]).toEqual([2, 1]);
    const again = logicalFlows(buildLocalView(sb, 'hv1', ifaces), sb, groups, undefined, cache).flows.map(formatFlow);
    expect([cache.misses, cache.hits]).toEqual([2, 4]);
    expect(again).toEqual(first);
    // A new port on datapath 1 invalidates only the flows that can depend on datapath 1's ports.
    const sb2 = base([pb(0x12, 'a2', U(0x10), 2)]);
    logicalFlows(buildLocalView(sb2, 'hv1', ifaces), sb2, groups, undefined, cache);
    expect([cache.misses, cache.hits]).toEqual([3, 6]);
  });

  it('recompiles is_chassis_resident() of a port on another datapath when that port moves here', () => {
    // Flow on datapath 1 asks whether "c" (datapath 3) is resident, as an external switch asks about its
    // gateway's redirect port. Datapath 1's own ports do not change when c is claimed here.
    const withFlow = (chassis: string | null) =>
      base([], [lflow(0x3000, 'is_chassis_resident("c")', 'next;', { logical_datapath: U(0x10) })], chassis);
    const cache = new LflowCache();
    const groups = new GroupTable();
    const resident = (sb: SbSnapshot) =>
      logicalFlows(buildLocalView(sb, 'hv1', ifaces), sb, groups, undefined, cache)
        .flows.map(formatFlow)
        .some((t) => t.includes('cookie=0x3000'));
    expect(resident(withFlow(null))).toBe(false);
    expect(resident(withFlow(HV1))).toBe(true);
    expect(resident(withFlow(null))).toBe(false);
  });
});
