// The incremental engine on the router NAT/LB features of ovn-northd.at's router cases: each step is
// applied as one NB transaction and the engine's output must equal a full compile (EngineCheck throws
// otherwise). Steps that change what a peer router reads of a switch (localnet ports, VLAN tags) or
// what NAT rules read of an address set (its name) are the ones a handler could miss.
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { MemNb } from '../testing/mem-nb.js';

const named = (n: string) => ['named-uuid', n];
const byName = (name: string) => [['name', '==', name]];

function setup(): { nb: MemNb; check: EngineCheck; step: (ops: unknown[]) => void } {
  const nb = new MemNb();
  nb.transact([
    { op: 'insert', table: 'NB_Global', row: {} },
    { op: 'insert', table: 'Address_Set', row: { name: 'allowed', addresses: ['set', ['1.1.1.1']] } },
    {
      op: 'insert',
      table: 'Load_Balancer',
      'uuid-name': 'lb',
      row: { name: 'lb', vips: ['map', [['172.168.0.200:80', '10.0.0.80:8080,10.0.0.81:8080']]] },
    },
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': 'pub',
      row: {
        name: 'lr0-public',
        mac: '00:00:20:20:12:13',
        networks: ['set', ['172.168.0.100/24']],
        options: ['map', [['gateway_mtu', '1500']]],
      },
    },
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': 'in',
      row: { name: 'lr0-sw0', mac: '00:00:00:00:ff:01', networks: ['set', ['10.0.0.1/24']] },
    },
    {
      op: 'insert',
      table: 'Gateway_Chassis',
      'uuid-name': 'gc',
      row: { name: 'lr0-public-ch1', chassis_name: 'ch1', priority: 1 },
    },
    {
      op: 'insert',
      table: 'Logical_Router',
      row: { name: 'lr0', ports: ['set', [named('pub'), named('in')]], load_balancer: ['set', [named('lb')]] },
    },
    {
      op: 'mutate',
      table: 'Logical_Router_Port',
      where: byName('lr0-public'),
      mutations: [['gateway_chassis', 'insert', ['set', [named('gc')]]]],
    },
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': 'sp',
      row: { name: 'pub-lr0', type: 'router', addresses: 'router', options: ['map', [['router-port', 'lr0-public']]] },
    },
    { op: 'insert', table: 'Logical_Switch', row: { name: 'public', ports: ['set', [named('sp')]] } },
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': 'sp0',
      row: { name: 'sw0-lr0', type: 'router', addresses: 'router', options: ['map', [['router-port', 'lr0-sw0']]] },
    },
    { op: 'insert', table: 'Logical_Switch', row: { name: 'sw0', ports: ['set', [named('sp0')]] } },
  ]);
  nb.takeChanges();
  const check = new EngineCheck();
  check.round(nb.snapshot(), 'full');
  const step = (ops: unknown[]) => {
    nb.transact(ops);
    check.round(nb.snapshot(), nb.takeChanges().changes);
  };
  return { nb, check, step };
}

const uuidOf = (nb: MemNb, table: string, name: string) => {
  const row = [...nb.rows(table).values()].find((r) => r['name'] === name);
  if (!row) throw new Error(`no ${table} ${name}`);
  return ['uuid', row._uuid];
};

describe('incremental engine: router NAT, balancers and gateway MTU', () => {
  it('follows localnet ports and their VLAN tags on a gateway port’s switch', () => {
    const { nb, check, step } = setup();
    step([
      {
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': 'ln',
        row: { name: 'ln', type: 'localnet', addresses: 'unknown' },
      },
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: byName('public'),
        mutations: [['ports', 'insert', ['set', [named('ln')]]]],
      },
    ]);
    step([{ op: 'update', table: 'Logical_Switch_Port', where: byName('ln'), row: { tag_request: 2 } }]);
    step([
      {
        op: 'mutate',
        table: 'Logical_Switch',
        where: byName('public'),
        mutations: [['ports', 'delete', ['set', [uuidOf(nb, 'Logical_Switch_Port', 'ln')]]]],
      },
    ]);
    expect(check.rounds).toBe(4);
  });

  it('follows NAT rules limited by an address set, the set’s renames and force-SNAT options', () => {
    const { nb, check, step } = setup();
    step([
      {
        op: 'insert',
        table: 'NAT',
        'uuid-name': 'n',
        row: {
          type: 'dnat_and_snat',
          external_ip: '172.168.0.20',
          logical_ip: '10.0.0.3',
          allowed_ext_ips: uuidOf(nb, 'Address_Set', 'allowed'),
        },
      },
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: byName('lr0'),
        mutations: [['nat', 'insert', ['set', [named('n')]]]],
      },
    ]);
    step([{ op: 'update', table: 'Address_Set', where: byName('allowed'), row: { name: 'allowed2' } }]);
    step([
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: byName('lr0'),
        mutations: [['options', 'insert', ['map', [['lb_force_snat_ip', '172.168.0.30 fd00::30']]]]],
      },
    ]);
    expect(check.rounds).toBe(4);
  });
});
