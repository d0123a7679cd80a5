import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { KEY_RANGES } from './keys.js';
import { NbBuilder } from './testing/nb-builder.js';
import { MemSb } from './testing/mem-sb.js';
import { diffSb } from './sb-diff.js';
import type { SbKeyInput } from './input.js';
import type { CompiledSb } from './compile.js';

/** ls1 (2 VMs, one with unknown) — lr1 — ls2 (1 VM), with a static route. */
function twoSubnets(): NbBuilder {
  return new NbBuilder()
    .ls('ls1')
    .ls('ls2')
    .lr('lr1')
    .vif('ls1', 'a1', '02:00:00:00:01:11 10.0.1.11')
    .vif('ls1', 'a2', '02:00:00:00:01:12 10.0.1.12', { port_security: ['02:00:00:00:01:12 10.0.1.12'] })
    .lsp('ls1', 'u1', { addresses: ['unknown'] })
    .vif('ls2', 'b1', '02:00:00:00:02:11 10.0.2.11 fd00:2::11')
    .link('lr1', 'ls1', '02:00:00:00:01:01', ['10.0.1.1/24'])
    .link('lr1', 'ls2', '02:00:00:00:02:01', ['10.0.2.1/24', 'fd00:2::1/64'])
    .route('lr1', '0.0.0.0/0', '10.0.2.11');
}

/** The SB keys of a compiled result, as a key input for the next compile. */
function sbKeysOf(c: CompiledSb): SbKeyInput {
  const mem = new MemSb();
  const w = mem.begin();
  diffSb(c, mem.state(), w);
  w.commit();
  const s = mem.state();
  return {
    Datapath_Binding: s.Datapath_Binding,
    Port_Binding: s.Port_Binding,
    Chassis: new Map(),
    Encap: new Map(),
  } as SbKeyInput;
}

describe('compile', () => {
  it('is deterministic: the same NB gives byte-identical output', () => {
    const nb = twoSubnets().build();
    expect(JSON.stringify(compile(nb))).toBe(JSON.stringify(compile(nb)));
  });

  it('emits one datapath per switch/router and one binding per port, with unique in-range keys', () => {
    const c = compile(twoSubnets().build());
    expect(c.diagnostics).toEqual([]);
    expect(c.datapaths.map((d) => d.externalIds['name']).sort()).toEqual(['lr1', 'ls1', 'ls2']);
    const dpKeys = c.datapaths.map((d) => d.tunnelKey);
    expect(new Set(dpKeys).size).toBe(dpKeys.length);
    for (const k of dpKeys)
      (expect(k).toBeGreaterThanOrEqual(1), expect(k).toBeLessThanOrEqual(KEY_RANGES.datapath.max));
    expect(c.portBindings.map((p) => p.logicalPort).sort()).toEqual([
      'a1',
      'a2',
      'b1',
      'lr1-ls1',
      'lr1-ls2',
      'ls1-lr1',
      'ls2-lr1',
      'u1',
    ]);
    for (const dp of c.datapaths) {
      const keys = c.portBindings.filter((p) => p.datapath === dp.id).map((p) => p.tunnelKey);
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of keys) (expect(k).toBeGreaterThanOrEqual(1), expect(k).toBeLessThanOrEqual(32767));
    }
  });

  it('links router and switch ports as patch peers', () => {
    const c = compile(twoSubnets().build());
    const pb = new Map(c.portBindings.map((p) => [p.logicalPort, p]));
    expect(pb.get('ls1-lr1')).toMatchObject({ type: 'patch', options: { peer: 'lr1-ls1' }, mac: ['router'] });
    expect(pb.get('lr1-ls1')).toMatchObject({
      type: 'patch',
      options: { peer: 'ls1-lr1' },
      mac: ['02:00:00:00:01:01 10.0.1.1/24'],
    });
    expect(pb.get('a2')?.portSecurity).toEqual(['02:00:00:00:01:12 10.0.1.12']);
  });

  it('creates flood, flood_l2 and unknown multicast groups with the 23.03 keys', () => {
    const c = compile(twoSubnets().build());
    const ls1 = c.datapaths.find((d) => d.externalIds['name'] === 'ls1')!.id;
    const groups = c.multicastGroups.filter((g) => g.datapath === ls1);
    expect(groups.map((g) => [g.name, g.tunnelKey, g.ports])).toEqual([
      ['_MC_flood', 32768, ['a1', 'a2', 'ls1-lr1', 'u1']],
      ['_MC_unknown', 32769, ['u1']],
      ['_MC_flood_l2', 32772, ['a1', 'a2', 'u1']],
    ]);
  });

  it('declares every flow in a known stage and shares identical flows through one datapath set', () => {
    const c = compile(twoSubnets().build());
    const skeleton = c.logicalFlows.find((f) => f.stageName === 'ls_in_dns_lookup' && f.priority === 0)!;
    expect(skeleton.datapaths).toHaveLength(2);
    expect(skeleton.tableId).toBe(22);
    const l2 = c.logicalFlows
      .filter((f) => f.stageName === 'ls_in_l2_lkup' && f.priority === 50)
      .map((f) => [f.match, f.actions]);
    expect(l2).toContainEqual(['eth.dst == 02:00:00:00:01:11', 'outport = "a1"; output;']);
    const unknown = c.logicalFlows.filter((f) => f.stageName === 'ls_in_l2_unknown' && f.priority === 50);
    expect(unknown.map((f) => f.actions).sort()).toEqual(['drop;', 'outport = "_MC_unknown"; output;']);
  });

  it('keeps tunnel keys across restarts and unrelated NB changes', () => {
    const b = twoSubnets();
    const first = compile(b.build());
    const keysBefore = new Map(first.portBindings.map((p) => [p.logicalPort, p.tunnelKey]));
    const dpBefore = new Map(first.datapaths.map((d) => [d.id, d.tunnelKey]));
    // A new switch sorted before the others and a new port: existing keys must not move.
    b.ls('aaa').vif('aaa', 'a0', '02:00:00:00:00:01 10.9.0.1').vif('ls1', 'a0b', '02:00:00:00:01:99 10.0.1.99');
    const second = compile(b.build(), { sb: sbKeysOf(first) });
    for (const p of second.portBindings)
      if (keysBefore.has(p.logicalPort)) expect(p.tunnelKey).toBe(keysBefore.get(p.logicalPort));
    for (const d of second.datapaths) if (dpBefore.has(d.id)) expect(d.tunnelKey).toBe(dpBefore.get(d.id));
    const ls1 = second.datapaths.find((d) => d.externalIds['name'] === 'ls1')!.id;
    const keys = second.portBindings.filter((p) => p.datapath === ls1).map((p) => p.tunnelKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('honours requested-tnl-key for datapaths and ports', () => {
    const b = new NbBuilder()
      .ls('ls1', { other_config: { 'requested-tnl-key': '777' } })
      .vif('ls1', 'p1', '02:00:00:00:00:01', { options: { 'requested-tnl-key': '42' } })
      .vif('ls1', 'p2', '02:00:00:00:00:02');
    const c = compile(b.build());
    expect(c.datapaths[0]?.tunnelKey).toBe(777);
    expect(c.portBindings.find((p) => p.logicalPort === 'p1')?.tunnelKey).toBe(42);
    expect(c.portBindings.find((p) => p.logicalPort === 'p1')?.options).toEqual({});
  });

  it('reports port key exhaustion once per port as an error and compiles the rest', () => {
    const b = new NbBuilder().ls('big').ls('small').vif('small', 's1', '02:00:00:00:00:01');
    for (let i = 0; i < 32768; i++) b.lsp('big', `p${i}`);
    const c = compile(b.build());
    const errors = c.diagnostics.filter((d) => d.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/tunnel keys .* in use/);
    expect(
      c.portBindings.filter((p) => p.datapath === c.datapaths.find((d) => d.externalIds['name'] === 'big')!.id),
    ).toHaveLength(32767);
    expect(c.portBindings.some((p) => p.logicalPort === 's1')).toBe(true);
  });

  it('limits keys in VXLAN mode', () => {
    const b = new NbBuilder()
      .ls('ls1', { other_config: { 'requested-tnl-key': '5000' } })
      .vif('ls1', 'p1', '02:00:00:00:00:01');
    const sb = {
      Datapath_Binding: new Map(),
      Port_Binding: new Map(),
      Chassis: new Map([['c1', { _uuid: 'c1', encaps: ['e1'] }]]),
      Encap: new Map([['e1', { _uuid: 'e1', type: 'vxlan' }]]),
    } as unknown as SbKeyInput;
    const c = compile(b.build(), { sb });
    expect(c.datapaths[0]?.tunnelKey).toBeLessThanOrEqual(4095);
    expect(c.sbGlobalOptions['max_tunid']).toBe('4095');
    expect(c.diagnostics.map((d) => d.message)).toEqual(['requested tunnel key 5000 is unavailable']);
  });

  it('logs bad NB rows by name and compiles the rest', () => {
    const b = twoSubnets()
      .vif('ls1', 'badmac', 'zz:00:00:00:00:01 10.0.1.50')
      .lrp('lr1', 'lr1-overlap', '02:00:00:00:09:01', ['10.0.1.129/25'])
      .route('lr1', '172.16.0.0/16', '10.0.2.50', { output_port: 'no-such-port' });
    const c = compile(b.build());
    expect(c.diagnostics.map((d) => [d.table, d.name])).toEqual([
      ['Logical_Router_Port', 'lr1-overlap'],
      ['Logical_Switch_Port', 'badmac'],
      ['Logical_Router_Static_Route', 'lr1 172.16.0.0/16 via 10.0.2.50'],
    ]);
    // The good parts are all there.
    expect(c.logicalFlows.some((f) => f.match === 'eth.dst == 02:00:00:00:01:11')).toBe(true);
    expect(c.logicalFlows.some((f) => f.match === 'reg7 == 0 && ip4.dst == 0.0.0.0/0')).toBe(true);
    expect(c.logicalFlows.some((f) => f.match.includes('172.16.0.0'))).toBe(false);
    expect(c.portBindings.some((p) => p.logicalPort === 'badmac')).toBe(true);
  });
});

describe('diffSb', () => {
  it('loads an empty SB, then writes nothing when nothing changed', () => {
    const c = compile(twoSubnets().build());
    const mem = new MemSb();
    const w1 = mem.begin();
    const s1 = diffSb(c, mem.state(), w1, 1);
    w1.commit();
    expect(s1.inserted).toBeGreaterThan(c.logicalFlows.length);
    const w2 = mem.begin();
    expect(diffSb(c, mem.state(), w2, 1)).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  });

  it('touches only the rows affected by an NB change', () => {
    const b = twoSubnets();
    const mem = new MemSb();
    const c1 = compile(b.build());
    const w1 = mem.begin();
    diffSb(c1, mem.state(), w1);
    w1.commit();
    b.vif('ls2', 'b2', '02:00:00:00:02:12 10.0.2.12');
    const c2 = compile(b.build(), {
      sb: { ...mem.state(), Chassis: new Map(), Encap: new Map() } as unknown as SbKeyInput,
    });
    const w2 = mem.begin();
    const stats = diffSb(c2, mem.state(), w2);
    w2.commit();
    // New port binding, its L2/ARP/arp_resolve flows, and the ls2 multicast groups' member lists.
    expect(w2.ops.filter((o) => o.startsWith('insert Port_Binding'))).toHaveLength(1);
    expect(w2.ops.filter((o) => o.startsWith('delete'))).toEqual([]);
    expect(w2.ops.filter((o) => o.startsWith('update')).sort()).toEqual([
      'update Multicast_Group ports',
      'update Multicast_Group ports',
    ]);
    expect(stats.inserted).toBeLessThan(10);
    const again = mem.begin();
    expect(diffSb(c2, mem.state(), again)).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  });

  it('adding a switch rewrites shared datapath groups in place instead of re-inserting flows', () => {
    const b = twoSubnets();
    const mem = new MemSb();
    const w1 = mem.begin();
    diffSb(compile(b.build()), mem.state(), w1);
    w1.commit();
    const flowsBefore = new Set(mem.state().Logical_Flow.keys());
    b.ls('ls3');
    const c2 = compile(b.build(), {
      sb: { ...mem.state(), Chassis: new Map(), Encap: new Map() } as unknown as SbKeyInput,
    });
    const w2 = mem.begin();
    diffSb(c2, mem.state(), w2);
    w2.commit();
    expect(w2.ops.filter((o) => o.startsWith('delete'))).toEqual([]);
    expect(w2.ops.filter((o) => o.startsWith('update Logical_DP_Group')).length).toBeGreaterThan(0);
    expect([...flowsBefore].every((u) => mem.state().Logical_Flow.has(u as never))).toBe(true);
    const again = mem.begin();
    expect(diffSb(c2, mem.state(), again)).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  });

  it('removes everything of a deleted switch', () => {
    const b = twoSubnets();
    const mem = new MemSb();
    const w1 = mem.begin();
    diffSb(compile(b.build()), mem.state(), w1);
    w1.commit();
    b.switches.delete('ls2');
    b.lrps.delete('lr1-ls2');
    b.routers.get('lr1')!.ports = [b.routers.get('lr1')!.ports[0]!];
    const c2 = compile(b.build());
    const w2 = mem.begin();
    diffSb(c2, mem.state(), w2);
    w2.commit();
    const s = mem.state();
    expect([...s.Datapath_Binding.values()].map((d) => d.external_ids['name']).sort()).toEqual(['lr1', 'ls1']);
    expect([...s.Port_Binding.values()].map((p) => p.logical_port).sort()).toEqual([
      'a1',
      'a2',
      'lr1-ls1',
      'ls1-lr1',
      'u1',
    ]);
    expect(s.Logical_Flow.size).toBe(c2.logicalFlows.length);
  });
});
