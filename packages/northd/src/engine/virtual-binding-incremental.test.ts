// ovn-controller claiming or releasing a virtual port (SB Port_Binding.virtual_parent, chassis) is handled by
// the routers node: the router port facing the port's switch resolves the virtual IP to the parent's MAC,
// or by ARP again, without a recompute; any other Port_Binding change still recomputes.
import { describe, expect, it } from 'vitest';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { EngineCheck } from '../testing/engine-check.js';
import { MemNb } from '../testing/mem-nb.js';

const map = (m: Record<string, string>) => ['map', Object.entries(m)];
const lsp = (name: string, row: Record<string, unknown>) => ({
  op: 'insert',
  table: 'Logical_Switch_Port',
  'uuid-name': name,
  row: { name, ...row },
});

function setup() {
  const nb = new MemNb();
  nb.transact([
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': 'lrp',
      row: { name: 'lr0-sw0', mac: '00:00:00:00:ff:01', networks: '10.0.0.1/24' },
    },
    { op: 'insert', table: 'Logical_Router', row: { name: 'lr0', ports: ['named-uuid', 'lrp'] } },
    lsp('rp', { type: 'router', addresses: 'router', options: map({ 'router-port': 'lr0-sw0' }) }),
    lsp('p1', { addresses: '50:54:00:00:00:03 10.0.0.3' }),
    lsp('p2', { addresses: '50:54:00:00:00:04 10.0.0.4' }),
    lsp('vip', { type: 'virtual', options: map({ 'virtual-ip': '10.0.0.10', 'virtual-parents': 'p1,p2' }) }),
    {
      op: 'insert',
      table: 'Logical_Switch',
      row: { name: 'sw0', ports: ['set', ['rp', 'p1', 'p2', 'vip'].map((p) => ['named-uuid', p])] },
    },
  ]);
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  const pbs = check.sb.tables.get('Port_Binding')!;
  const vport = () => [...pbs.values()].find((r) => r['logical_port'] === 'vip') as unknown as SbTables['Port_Binding'];
  /** ovn-controller writes the binding; the round sees the change. */
  const claim = (change: Partial<SbTables['Port_Binding']>) => {
    const old = vport();
    const now = { ...old, ...change };
    pbs.set(old._uuid, now as unknown as Record<string, unknown>);
    // round() throws when the incremental output differs from a full compile.
    return check.round(nb.snapshot(), [], [{ kind: 'modify', table: 'Port_Binding', uuid: old._uuid, old, new: now }]);
  };
  const resolved = () =>
    check.engine
      .compiled()
      .logicalFlows.filter((f) => f.stageName === 'lr_in_arp_resolve' && f.match.includes('10.0.0.10'))
      .map((f) => f.actions);
  return { claim, resolved };
}

describe('virtual port claims through the engine', () => {
  it("resolve the virtual IP to the parent's MAC and back to ARP, incrementally", () => {
    const { claim, resolved } = setup();
    expect(resolved()).toEqual(['eth.dst = 00:00:00:00:00:00; next;']);
    const chassis = '11111111-1111-4111-8111-111111111111' as SbTables['Port_Binding']['chassis'];
    expect(claim({ virtual_parent: 'p2', chassis }).full).toBe(false);
    expect(resolved()).toEqual(['eth.dst = 50:54:00:00:00:04; next;']);
    expect(claim({ virtual_parent: 'p1' }).full).toBe(false);
    expect(resolved()).toEqual(['eth.dst = 50:54:00:00:00:03; next;']);
    expect(claim({ virtual_parent: null, chassis: null }).full).toBe(false);
    expect(resolved()).toEqual(['eth.dst = 00:00:00:00:00:00; next;']);
  });

  it('recompute on any other Port_Binding change', () => {
    const { claim } = setup();
    expect(claim({ tunnel_key: 77 }).full).toBe(true);
  });
});
