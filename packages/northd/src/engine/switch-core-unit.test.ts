import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sNbOps } from '../testing/k8s-topology.js';
import { k8sStatefulOps } from '../testing/k8s-stateful.js';
import { MemNb } from '../testing/mem-nb.js';

// The switches node keeps a switch's core unit, and its router-type port's unit, when only plain ports
// came or went; every round is checked against a full compile (EngineCheck).
const shape = { nodes: 3, podsPerNode: 4, vips: 6, acls: 20 };

function setup() {
  const nb = new MemNb();
  nb.transact([...k8sNbOps(shape), ...k8sStatefulOps(shape)]);
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  const node0 = [...nb.rows('Logical_Switch').values()].find((r) => r['name'] === 'node0')!['_uuid'] as string;
  const units = () => check.engine.unitsOf(node0)!;
  const step = (ops: unknown[]) => {
    nb.transact(ops);
    const r = check.round(nb.snapshot(), nb.takeChanges().changes);
    expect(r.full).toBe(false);
    return r;
  };
  return { nb, check, units, step };
}

/** A port on node0 (a plain pod unless `row` says otherwise). */
const addPort = (name: string, row: Record<string, unknown>) => [
  { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'p', row: { name, ...row } },
  {
    op: 'mutate',
    table: 'Logical_Switch',
    where: [['name', '==', 'node0']],
    mutations: [['ports', 'insert', ['set', [['named-uuid', 'p']]]]],
  },
];
const pod = (name: string, host: number) =>
  addPort(name, { addresses: `0a:59:00:00:00:${host} 10.128.0.${host}`, port_security: `0a:59:00:00:00:${host}` });

describe('switch core unit', () => {
  it('is kept when a plain port is added or deleted, and so is the router-type port unit', () => {
    const { nb, units, step } = setup();
    const core = units().get('core');
    const rtr = units().get('lsp:stor-node0');
    expect(core?.length).toBeGreaterThan(0);
    expect(rtr?.length).toBeGreaterThan(0);
    const r = step(pod('newpod', 77));
    expect(r.touched.ports.has('newpod')).toBe(true);
    expect(units().get('lsp:newpod')?.length).toBeGreaterThan(0);
    expect(units().get('core')).toBe(core);
    expect(units().get('lsp:stor-node0')).toBe(rtr);
    const uuid = [...nb.rows('Logical_Switch_Port').values()].find((r) => r['name'] === 'newpod')!['_uuid'];
    step([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['name', '==', 'node0']],
        mutations: [['ports', 'delete', ['set', [['uuid', uuid]]]]],
      },
      { op: 'delete', table: 'Logical_Switch_Port', where: [['name', '==', 'newpod']] },
    ]);
    expect(units().has('lsp:newpod')).toBe(false);
    expect(units().get('core')).toBe(core);
  });

  it('is built again when a port it reads comes (unknown addresses, options) or a switch column changes', () => {
    const { units, step } = setup();
    let core = units().get('core');
    step(addPort('unk', { addresses: 'unknown' }));
    expect(units().get('core')).not.toBe(core);
    core = units().get('core');
    step(addPort('flood', { addresses: '0a:59:00:00:00:78 10.128.0.78', options: ['map', [['mcast_flood', 'true']]] }));
    expect(units().get('core')).not.toBe(core);
    core = units().get('core');
    step([
      {
        op: 'update',
        table: 'Logical_Switch',
        where: [['name', '==', 'node0']],
        row: { other_config: ['map', [['vlan-passthru', 'true']]] },
      },
    ]);
    expect(units().get('core')).not.toBe(core);
  });

  it("follows a virtual port's parents on the switch, plain ports included", () => {
    const { units, step } = setup();
    step(
      addPort('vip', {
        type: 'virtual',
        options: [
          'map',
          [
            ['virtual-ip', '10.128.0.200'],
            ['virtual-parents', 'vm-a,vm-b'],
          ],
        ],
      }),
    );
    const core = units().get('core')!;
    const binds = (u: readonly { match: string }[]) => u.filter((f) => f.match.includes('"vm-a"')).length;
    expect(binds(core)).toBe(0);
    // The parent is a plain port: its coming changes the core unit's bind_vport flows (checked against a compile).
    step(pod('vm-a', 79));
    expect(binds(units().get('core')!)).toBeGreaterThan(0);
  });
});
