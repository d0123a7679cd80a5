import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sNbOps } from '../testing/k8s-topology.js';
import { k8sStatefulOps } from '../testing/k8s-stateful.js';
import { MemNb } from '../testing/mem-nb.js';

const shape = { nodes: 4, podsPerNode: 6, vips: 12, acls: 40 };

function setup(): { nb: MemNb; check: EngineCheck } {
  const nb = new MemNb();
  nb.transact([...k8sNbOps(shape), ...k8sStatefulOps(shape)]);
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  return { nb, check };
}

/** The operations that add a pod port to switch node0. */
function podOps(name: string, host: number): unknown[] {
  return [
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': 'p',
      row: { name, addresses: `fa:16:3e:00:00:${host} 10.128.0.${host}` },
    },
    {
      op: 'mutate',
      table: 'Logical_Switch',
      where: [['name', '==', 'node0']],
      mutations: [['ports', 'insert', ['set', [['named-uuid', 'p']]]]],
    },
  ];
}

function step(nb: MemNb, check: EngineCheck, ops: unknown[]) {
  nb.transact(ops);
  return check.round(nb.snapshot(), nb.takeChanges().changes);
}

describe('incremental engine', () => {
  it('adds a pod port incrementally', () => {
    const { nb, check } = setup();
    const r = step(nb, check, [
      {
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': 'p',
        row: {
          name: 'newpod',
          addresses: 'fa:16:3e:00:00:01 10.128.0.99',
          port_security: 'fa:16:3e:00:00:01 10.128.0.99',
        },
      },
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['name', '==', 'node0']],
        mutations: [['ports', 'insert', ['set', [['named-uuid', 'p']]]]],
      },
    ]);
    expect(r.full).toBe(false);
    expect(r.touched.ports.has('newpod')).toBe(true);
  });

  it('changes a load balancer backend incrementally', () => {
    const { nb, check } = setup();
    const r = step(nb, check, [
      {
        op: 'update',
        table: 'Load_Balancer',
        where: [['name', '==', 'svc-3']],
        row: { vips: ['map', [['10.96.0.3:80', '10.128.0.3:8080,10.128.0.4:8080,10.128.1.5:8080']]] },
      },
    ]);
    expect(r.full).toBe(false);
    expect(r.touched.flows.size).toBeGreaterThan(0);
    expect(r.touched.flows.size).toBeLessThan(10);
  });

  it('adds an ACL to a port group incrementally', () => {
    const { nb, check } = setup();
    const r = step(nb, check, [
      {
        op: 'insert',
        table: 'ACL',
        'uuid-name': 'a',
        row: {
          direction: 'to-lport',
          priority: 1001,
          action: 'allow-related',
          match: 'outport == @pg_np1 && tcp.dst == 9999',
        },
      },
      {
        op: 'mutate',
        table: 'Port_Group',
        where: [['name', '==', 'pg_np1']],
        mutations: [['acls', 'insert', ['set', [['named-uuid', 'a']]]]],
      },
    ]);
    expect(r.full).toBe(false);
    // Only the group's ACLs changed: its SB Port_Group rows and address sets are not revisited.
    expect(r.touched.portGroups.size).toBe(0);
    expect(r.touched.addressSets.size).toBe(0);
    expect(r.touched.flows.size).toBeGreaterThan(0);
  });

  it('takes an ACL out of a port group, the ACL row kept, incrementally', () => {
    const { nb, check } = setup();
    const group = () => [...nb.rows('Port_Group').values()].find((g) => g['name'] === 'pg_np2')!;
    const acl = (group()['acls'] as string[])[0]!;
    const r = step(nb, check, [
      {
        op: 'mutate',
        table: 'Port_Group',
        where: [['name', '==', 'pg_np2']],
        mutations: [['acls', 'delete', ['set', [['uuid', acl]]]]],
      },
    ]);
    expect(r.full).toBe(false);
    expect(r.touched.portGroups.size).toBe(0);
    expect(r.touched.flows.size).toBeGreaterThan(0);
    // A change of its members still revisits its rows and sets.
    const port = (group()['ports'] as string[])[0]!;
    const members = step(nb, check, [
      {
        op: 'mutate',
        table: 'Port_Group',
        where: [['name', '==', 'pg_np2']],
        mutations: [['ports', 'delete', ['set', [['uuid', port]]]]],
      },
    ]);
    expect(members.full).toBe(false);
    expect(members.touched.addressSets.size).toBeGreaterThan(0);
  });

  it('binds only the port added to a switch; a changed port row is bound again', () => {
    const { nb, check } = setup();
    const addPod = (name: string, host: number) => step(nb, check, podOps(name, host));
    // The bindings of the full recompute are kept, and so are those of later rebinds.
    const kept = check.engine.portBindingByName('ns1_pod-0-1');
    expect(kept).toBeDefined();
    for (const [i, name] of ['newpod1', 'newpod2'].entries()) {
      const r = addPod(name, 91 + i);
      expect(r.full).toBe(false);
      expect(r.touched.ports).toEqual(new Set([name]));
      expect(check.engine.portBindingByName('ns1_pod-0-1')).toBe(kept);
    }
    // A new row of that port is bound anew (its options, with the SB key it has).
    const changed = step(nb, check, [
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: [['name', '==', 'ns1_pod-0-1']],
        row: { options: ['map', [['requested-chassis', 'ch1']]] },
      },
    ]);
    expect(changed.full).toBe(false);
    const now = check.engine.portBindingByName('ns1_pod-0-1')!;
    expect(now).not.toBe(kept);
    expect(now.options).toEqual({ 'requested-chassis': 'ch1' });
    expect(now.tunnelKey).toBe(kept!.tunnelKey);
  });

  it('a port added with a change of the ACLs its switch applies, in one transaction', () => {
    const { nb, check } = setup();
    const acl = (nb.rows('Port_Group').values().next().value!['acls'] as string[])[0]!;
    // Each round is checked against a full compile (EngineCheck): the switches' ACLs must be gathered again.
    expect(
      step(nb, check, [
        ...podOps('newpod1', 91),
        { op: 'update', table: 'ACL', where: [['_uuid', '==', ['uuid', acl]]], row: { priority: 1234 } },
      ]).full,
    ).toBe(false);
    expect(
      step(nb, check, [
        ...podOps('newpod2', 92),
        {
          op: 'insert',
          table: 'ACL',
          'uuid-name': 'a',
          row: { direction: 'from-lport', priority: 1002, action: 'allow-related', match: 'ip4' },
        },
        {
          op: 'mutate',
          table: 'Logical_Switch',
          where: [['name', '==', 'node0']],
          mutations: [['acls', 'insert', ['set', [['named-uuid', 'a']]]]],
        },
      ]).full,
    ).toBe(false);
    expect(step(nb, check, podOps('newpod3', 93)).full).toBe(false);
  });

  it('adds plain ports to a switch by difference, in the full build order; other changes re-read it', () => {
    const { nb, check } = setup();
    // Several new ports in one transaction to one switch (named-uuid n0, n1…), optionally with more ops.
    const add = (sw: string, ports: { name: string; type?: string }[], more: unknown[] = []) =>
      step(nb, check, [
        ...ports.map((p, i) => ({
          op: 'insert',
          table: 'Logical_Switch_Port',
          'uuid-name': `n${i}`,
          row: { name: p.name, type: p.type ?? '', addresses: `fa:16:3e:00:01:${10 + i} 10.128.0.${150 + i}` },
        })),
        {
          op: 'mutate',
          table: 'Logical_Switch',
          where: [['name', '==', sw]],
          mutations: [['ports', 'insert', ['set', ports.map((_, i) => ['named-uuid', `n${i}`])]]],
        },
        ...more,
      ]);
    const rowsOf = (table: string) => [...nb.rows(table).values()];
    const switchPortNames = (sw: string) => {
      const ls = rowsOf('Logical_Switch').find((r) => r['name'] === sw)!;
      return (ls['ports'] as string[]).map((u) => nb.rows('Logical_Switch_Port').get(u)!['name'] as string);
    };
    // Each round is checked against a full compile (EngineCheck), port order and name ownership included.
    expect(add('node0', [{ name: '0-first' }]).full).toBe(false);
    expect(add('node0', [{ name: 'zz-last' }]).full).toBe(false);
    expect(add('node0', [{ name: 'ns1_pod-0-1a' }, { name: 'ns1_pod-0-1b' }]).full).toBe(false);
    // A name a router port holds; a row of another switch listed here too (two switches claim its name).
    expect(add('node0', [{ name: rowsOf('Logical_Router_Port')[0]!['name'] as string }]).full).toBe(false);
    const shared = (rowsOf('Logical_Switch').find((r) => r['name'] === 'node1')!['ports'] as string[])[0]!;
    const alsoIn = (sw: string) => ({
      op: 'mutate',
      table: 'Logical_Switch',
      where: [['name', '==', sw]],
      mutations: [['ports', 'insert', ['set', [['uuid', shared]]]]],
    });
    expect(step(nb, check, [alsoIn('node0')]).full).toBe(false);
    expect(step(nb, check, [alsoIn('node2')]).full).toBe(false);
    // A typed port; a port added while another of the switch goes.
    expect(add('node1', [{ name: 'lnet', type: 'localnet' }]).full).toBe(false);
    const gone = rowsOf('Logical_Switch').find((r) => r['name'] === 'node1')!['ports'] as string[];
    expect(
      add(
        'node1',
        [{ name: 'with-del' }],
        [
          {
            op: 'mutate',
            table: 'Logical_Switch',
            where: [['name', '==', 'node1']],
            mutations: [['ports', 'delete', ['set', [['uuid', gone.at(-1)!]]]]],
          },
        ],
      ).full,
    ).toBe(false);
    expect(switchPortNames('node0')).toContain('0-first');
  });
});
