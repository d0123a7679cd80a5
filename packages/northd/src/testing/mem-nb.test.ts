import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { k8sStatefulOps } from './k8s-stateful.js';
import { k8sNbOps } from './k8s-topology.js';
import { MemNb, MemNbError } from './mem-nb.js';

const set = (xs: unknown[]) => ['set', xs];
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const named = (n: string) => ['named-uuid', n];
const uuid = (u: string) => ['uuid', u];

function switchWithPorts(nb: MemNb, name: string, ports: string[]): string {
  const ops: unknown[] = ports.map((p, i) => ({
    op: 'insert',
    table: 'Logical_Switch_Port',
    'uuid-name': `p${i}`,
    row: { name: p, addresses: set([`0a:00:00:00:00:0${i + 1} 10.0.0.${i + 1}`]) },
  }));
  ops.push({ op: 'insert', table: 'Logical_Switch', row: { name, ports: set(ports.map((_, i) => named(`p${i}`))) } });
  return nb.transact(ops).at(-1)!;
}

describe('MemNb', () => {
  it('inserts with named-uuids, defaults and deterministic uuids', () => {
    const a = new MemNb();
    const b = new MemNb();
    const ua = switchWithPorts(a, 'ls1', ['a', 'b']);
    const ub = switchWithPorts(b, 'ls1', ['a', 'b']);
    expect(ua).toBe(ub);
    const snap = a.snapshot();
    const ls = snap.Logical_Switch.get(ua as never)!;
    expect(ls.name).toBe('ls1');
    expect(ls.ports).toHaveLength(2);
    expect(ls.acls).toEqual([]);
    expect(ls.other_config).toEqual({});
    const lsp = snap.Logical_Switch_Port.get(ls.ports[0]!)!;
    expect(lsp.name).toBe('a');
    expect(lsp.type).toBe('');
    expect(lsp.enabled).toBeNull();
    expect(lsp.tag).toBeNull();
    expect(typeof lsp._version).toBe('string');
  });

  it('resolves forward named-uuid references and rejects unknown ones', () => {
    const nb = new MemNb();
    nb.transact([
      { op: 'insert', table: 'Logical_Switch', row: { name: 's', ports: set([named('later')]) } },
      { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'later', row: { name: 'x' } },
    ]);
    expect(nb.snapshot().Logical_Switch_Port.size).toBe(1);
    expect(() =>
      nb.transact([{ op: 'insert', table: 'Logical_Switch', row: { ports: set([named('nope')]) } }]),
    ).toThrow(/unknown named-uuid "nope"/);
  });

  it('updates and mutates sets, maps and numbers; where on _uuid, name, includes, !=', () => {
    const nb = new MemNb();
    const ls = switchWithPorts(nb, 'ls1', ['a', 'b', 'c']);
    nb.transact([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['_uuid', '==', uuid(ls)]],
        mutations: [
          ['other_config', 'insert', map({ subnet: '10.0.0.0/24', k: 'v' })],
          ['external_ids', 'insert', map({ x: '1' })],
        ],
      },
      { op: 'update', table: 'Logical_Switch_Port', where: [['name', '==', 'a']], row: { type: 'localport' } },
      { op: 'update', table: 'Logical_Switch_Port', where: [['name', '!=', 'a']], row: { tag_request: 7 } },
      {
        op: 'mutate',
        table: 'Logical_Switch_Port',
        where: [['name', '==', 'b']],
        mutations: [
          ['tag_request', '+=', 3],
          ['options', 'insert', map({ foo: 'bar' })],
        ],
      },
    ]);
    // Map insert never overwrites; delete by key set or by exact pair.
    nb.transact([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['other_config', 'includes', map({ k: 'v' })]],
        mutations: [
          ['other_config', 'insert', map({ k: 'other' })],
          ['external_ids', 'delete', set(['x'])],
        ],
      },
    ]);
    let s = nb.snapshot();
    expect(s.Logical_Switch.get(ls as never)!.other_config).toEqual({ k: 'v', subnet: '10.0.0.0/24' });
    expect(s.Logical_Switch.get(ls as never)!.external_ids).toEqual({});
    const byName = (n: string) => [...s.Logical_Switch_Port.values()].find((p) => p.name === n)!;
    expect(byName('a').type).toBe('localport');
    expect(byName('a').tag_request).toBeNull();
    expect(byName('b').tag_request).toBe(10);
    expect(byName('c').tag_request).toBe(7);
    nb.transact([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['name', '==', 'ls1']],
        mutations: [['other_config', 'delete', map({ k: 'v', subnet: 'wrong' })]],
      },
    ]);
    s = nb.snapshot();
    expect(s.Logical_Switch.get(ls as never)!.other_config).toEqual({ subnet: '10.0.0.0/24' });
  });

  it('garbage-collects unreferenced non-root rows, but not root rows', () => {
    const nb = new MemNb();
    const ls = switchWithPorts(nb, 'ls1', ['a', 'b']);
    const [a, b] = nb.snapshot().Logical_Switch.get(ls as never)!.ports;
    nb.transact([{ op: 'insert', table: 'Address_Set', row: { name: 'as1' } }]);
    nb.takeChanges();
    nb.transact([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['_uuid', '==', uuid(ls)]],
        mutations: [['ports', 'delete', uuid(a!)]],
      },
      // Inserted but never referenced: collected in the same commit.
      { op: 'insert', table: 'ACL', row: { direction: 'to-lport', priority: 1, action: 'drop', match: '1' } },
    ]);
    const s = nb.snapshot();
    expect(s.Logical_Switch_Port.has(a!)).toBe(false);
    expect(s.Logical_Switch_Port.has(b!)).toBe(true);
    expect(s.ACL.size).toBe(0);
    const ch = nb
      .takeChanges()
      .changes.map((c) => `${c.kind} ${c.table}`)
      .sort();
    expect(ch).toEqual(['delete Logical_Switch_Port', 'modify Logical_Switch']);
    // Deleting a switch collects its ports (cascade), but the root Address_Set stays.
    nb.transact([{ op: 'delete', table: 'Logical_Switch', where: [] }]);
    expect(nb.snapshot().Logical_Switch_Port.size).toBe(0);
    expect(nb.snapshot().Address_Set.size).toBe(1);
  });

  it('drops weak references to deleted rows and enforces strong ones', () => {
    const nb = new MemNb();
    const ls = switchWithPorts(nb, 'ls1', ['a', 'b']);
    const [a, b] = nb.snapshot().Logical_Switch.get(ls as never)!.ports;
    nb.transact([{ op: 'insert', table: 'Port_Group', row: { name: 'pg', ports: set([uuid(a!), uuid(b!)]) } }]);
    nb.takeChanges();
    nb.transact([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [['name', '==', 'ls1']],
        mutations: [['ports', 'delete', uuid(a!)]],
      },
    ]);
    const pg = [...nb.snapshot().Port_Group.values()][0]!;
    expect(pg.ports).toEqual([b]);
    expect(
      nb
        .takeChanges()
        .changes.map((c) => `${c.kind} ${c.table}`)
        .sort(),
    ).toEqual(['delete Logical_Switch_Port', 'modify Logical_Switch', 'modify Port_Group']);
    // A strong reference to a missing row, and deleting a referenced root row, are refused.
    expect(() => nb.transact([{ op: 'insert', table: 'Logical_Switch', row: { ports: set([uuid(a!)]) } }])).toThrow(
      /referential integrity/,
    );
    nb.transact([
      { op: 'insert', table: 'Load_Balancer_Group', 'uuid-name': 'g', row: { name: 'g' } },
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: [],
        mutations: [['load_balancer_group', 'insert', set([named('g')])]],
      },
    ]);
    expect(() => nb.transact([{ op: 'delete', table: 'Load_Balancer_Group', where: [] }])).toThrow(
      /cannot delete Load_Balancer_Group/,
    );
  });

  it('applies nothing of a failed transaction', () => {
    const nb = new MemNb();
    switchWithPorts(nb, 'ls1', ['a']);
    nb.takeChanges();
    const before = nb.snapshot();
    const bad: unknown[][] = [
      [
        { op: 'insert', table: 'Logical_Switch', row: { name: 'x' } },
        { op: 'insert', table: 'Nope', row: {} },
      ],
      [
        { op: 'insert', table: 'Logical_Switch', row: { name: 'x' } },
        { op: 'update', table: 'Logical_Switch', where: [], row: { nope: 1 } },
      ],
      [{ op: 'insert', table: 'ACL', row: { direction: 'sideways', priority: 1, action: 'drop', match: '1' } }],
      [{ op: 'insert', table: 'ACL', row: { direction: 'to-lport', priority: 99999, action: 'drop', match: '1' } }],
      [{ op: 'update', table: 'Logical_Switch_Port', where: [], row: { tag_request: 'x' } }],
      // Unique index on Logical_Switch_Port.name.
      [
        { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'd', row: { name: 'a' } },
        { op: 'mutate', table: 'Logical_Switch', where: [], mutations: [['ports', 'insert', set([named('d')])]] },
      ],
      [{ op: 'mutate', table: 'Logical_Switch', where: [['name', '~', 'x']], mutations: [] }],
      [{ op: 'select', table: 'Logical_Switch', where: [] }],
    ];
    for (const ops of bad) {
      expect(() => nb.transact(ops)).toThrow(MemNbError);
      expect(nb.snapshot()).toBe(before);
      expect(nb.takeChanges().changes).toEqual([]);
    }
    // The uuid counter is rolled back too.
    const other = new MemNb();
    switchWithPorts(other, 'ls1', ['a']);
    expect(nb.transact([{ op: 'insert', table: 'Address_Set', row: { name: 'z' } }])).toEqual(
      other.transact([{ op: 'insert', table: 'Address_Set', row: { name: 'z' } }]),
    );
  });

  it('coalesces changes per row like the replica', () => {
    const nb = new MemNb();
    const ls = switchWithPorts(nb, 'ls1', ['a']);
    nb.takeChanges();
    const orig = nb.snapshot().Logical_Switch.get(ls as never)!;
    const upd = (v: string) => ({
      op: 'update',
      table: 'Logical_Switch',
      where: [['name', '==', 'ls1']],
      row: { external_ids: map({ v }) },
    });
    // modify + modify = one modify from the original to the latest
    nb.transact([upd('1')]);
    nb.transact([upd('2')]);
    let ch = nb.takeChanges();
    expect(ch.resync).toBe(false);
    expect(ch.changes).toHaveLength(1);
    expect(ch.changes[0]!.kind).toBe('modify');
    expect(ch.changes[0]!.old).toBe(orig);
    expect(ch.changes[0]!.new).toBe(nb.snapshot().Logical_Switch.get(ls as never));
    // An update that changes nothing reports nothing and keeps the row's identity.
    const cur = nb.snapshot().Logical_Switch.get(ls as never);
    nb.transact([upd('2')]);
    expect(nb.takeChanges().changes).toEqual([]);
    expect(nb.snapshot().Logical_Switch.get(ls as never)).toBe(cur);
    // insert + modify = insert of the latest; insert + delete = nothing
    const [as1] = nb.transact([{ op: 'insert', table: 'Address_Set', row: { name: 'as1' } }]);
    nb.transact([
      {
        op: 'mutate',
        table: 'Address_Set',
        where: [['name', '==', 'as1']],
        mutations: [['addresses', 'insert', '10.0.0.1']],
      },
    ]);
    nb.transact([{ op: 'insert', table: 'Address_Set', row: { name: 'as2' } }]);
    nb.transact([{ op: 'delete', table: 'Address_Set', where: [['name', '==', 'as2']] }]);
    ch = nb.takeChanges();
    expect(ch.changes).toHaveLength(1);
    expect(ch.changes[0]).toMatchObject({ kind: 'insert', table: 'Address_Set', uuid: as1, old: undefined });
    expect((ch.changes[0]!.new as { addresses: string[] }).addresses).toEqual(['10.0.0.1']);
    // modify + delete = delete with the original old
    const before = nb.snapshot().Address_Set.get(as1 as never);
    nb.transact([{ op: 'mutate', table: 'Address_Set', where: [], mutations: [['addresses', 'insert', '10.0.0.2']] }]);
    nb.transact([{ op: 'delete', table: 'Address_Set', where: [] }]);
    ch = nb.takeChanges();
    expect(ch.changes).toEqual([{ kind: 'delete', table: 'Address_Set', uuid: as1, old: before, new: undefined }]);
  });

  it('keeps earlier snapshots unchanged and unchanged rows identical', () => {
    const nb = new MemNb();
    const ls = switchWithPorts(nb, 'ls1', ['a', 'b']);
    const s1 = nb.snapshot();
    const lsRow = s1.Logical_Switch.get(ls as never);
    const ports = [...s1.Logical_Switch_Port.values()];
    nb.transact([
      { op: 'update', table: 'Logical_Switch_Port', where: [['name', '==', 'a']], row: { type: 'localport' } },
    ]);
    const s2 = nb.snapshot();
    expect(s1).not.toBe(s2);
    expect([...s1.Logical_Switch_Port.values()]).toEqual(ports);
    expect(s1.Logical_Switch_Port.get(ports[0]!._uuid)!.type).toBe('');
    expect(s2.Logical_Switch.get(ls as never)).toBe(lsRow);
    expect(s2.Logical_Switch).toBe(s1.Logical_Switch);
    expect(s2.Logical_Switch_Port.get(ports[1]!._uuid)).toBe(ports[1]);
  });

  it('loads the k8s topology and compiles it', () => {
    const shape = { nodes: 6, podsPerNode: 8, vips: 20, acls: 60 };
    const nb = new MemNb();
    nb.transact([...k8sNbOps(shape), ...k8sStatefulOps(shape)]);
    const s = nb.snapshot();
    expect(s.Logical_Switch.size).toBe(7);
    expect(s.Logical_Switch_Port.size).toBe(6 * 10 + 7);
    expect(s.ACL.size).toBe(60);
    expect(s.Load_Balancer.size).toBe(20);
    const out = compile(s);
    expect(out.logicalFlows.length).toBeGreaterThan(100);
    expect(nb.takeChanges().changes.every((c) => c.kind === 'insert')).toBe(true);
  });

  // How fast is the benches' business (northd bench): a timed assertion here only flakes on a loaded machine.
  it('loads 300 nodes x 100 pods', () => {
    const shape = { nodes: 300, podsPerNode: 100, vips: 1000, acls: 1000 };
    const nb = new MemNb();
    nb.transact([...k8sNbOps(shape), ...k8sStatefulOps(shape)]);
    expect(nb.snapshot().Logical_Switch_Port.size).toBe(300 * 103 + 1);
  });
});
