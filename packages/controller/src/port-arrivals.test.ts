import { describe, expect, it } from 'vitest';
import { handsOver, MAX_HANDOVERS, PortArrivals } from './port-arrivals.js';

const iface = (id: string | undefined, ofport: number | null) => ({
  external_ids: id ? { 'iface-id': id } : {},
  ofport,
});

describe('PortArrivals', () => {
  it('dates a port from the later of its binding and its interface getting an OpenFlow port', () => {
    const a = new PortArrivals();
    expect(a.note([{ table: 'Port_Binding', old: undefined, new: { logical_port: 'p1' } }], 10)).toBe(false);
    expect(a.since('p1')).toBe(10);
    // The interface row first comes without its OpenFlow port: not claimable yet.
    expect(a.note([{ table: 'Interface', old: undefined, new: iface('p1', null) }], 20)).toBe(false);
    expect(a.since('p1')).toBe(10);
    expect(a.note([{ table: 'Interface', old: iface('p1', null), new: iface('p1', 7) }], 30)).toBe(true);
    expect(a.since('p1')).toBe(30);
    // Other changes of a claimable interface (statistics, its own ovn-installed) move nothing.
    expect(a.note([{ table: 'Interface', old: iface('p1', 7), new: iface('p1', 7) }], 40)).toBe(false);
    expect(a.since('p1')).toBe(30);
  });

  it('counts an iface-id set on an interface that already had its OpenFlow port', () => {
    const a = new PortArrivals();
    expect(a.note([{ table: 'Interface', old: iface(undefined, 3), new: iface('p2', 3) }], 5)).toBe(true);
    expect(a.since('p2')).toBe(5);
  });

  it('ignores modified bindings and other tables, forgets and prunes', () => {
    const a = new PortArrivals();
    a.note([{ table: 'Port_Binding', old: { logical_port: 'p3' }, new: { logical_port: 'p3' } }], 1);
    a.note([{ table: 'Bridge', old: undefined, new: { external_ids: { 'iface-id': 'x' }, ofport: 1 } }], 1);
    expect(a.size).toBe(0);
    a.note([{ table: 'Port_Binding', old: undefined, new: { logical_port: 'p4' } }], 1);
    a.note([{ table: 'Port_Binding', old: undefined, new: { logical_port: 'p5' } }], 9);
    a.forget('p5');
    expect(a.since('p5')).toBeUndefined();
    a.prune(2);
    expect(a.size).toBe(0);
  });
});

describe('handsOver', () => {
  it('leaves the install to the claiming round only for a round without claims, once in a row', () => {
    expect(handsOver({ claimableArrived: true, claimed: false, handoversInARow: 0 })).toBe(true);
    expect(handsOver({ claimableArrived: false, claimed: false, handoversInARow: 0 })).toBe(false);
    expect(handsOver({ claimableArrived: true, claimed: true, handoversInARow: 0 })).toBe(false);
    expect(handsOver({ claimableArrived: true, claimed: false, handoversInARow: MAX_HANDOVERS })).toBe(false);
  });
});
