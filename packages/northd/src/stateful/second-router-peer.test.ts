// A second switch port of type "router" naming a router port that another switch already peers with
// (ovn-northd 23.03 peers both with it): its L2 lookup of the router's MAC is pinned to the gateway
// chassis by the localnet ports of its own switch, not those of the router port's other peer.
import { describe, expect, it } from 'vitest';
import { compile } from '../compile.js';
import { EngineCheck } from '../testing/engine-check.js';
import { MemNb } from '../testing/mem-nb.js';

const MAC = '0a:58:64:40:00:01';
const RESIDENT = `eth.dst == ${MAC} && is_chassis_resident("cr-lr-dgp")`;

/** Router lr with distributed gateway port lr-dgp; switches a and b each hold a router-type port naming it. */
function topology(localnetOn: 'a' | 'b'): unknown[] {
  const routerPort = (name: string) => ({
    op: 'insert',
    table: 'Logical_Switch_Port',
    'uuid-name': name.replace('-', '_'),
    row: { name, type: 'router', addresses: 'router', options: ['map', [['router-port', 'lr-dgp']]] },
  });
  const sw = (name: string, ports: string[]) => ({
    op: 'insert',
    table: 'Logical_Switch',
    row: { name, ports: ['set', ports.map((p) => ['named-uuid', p.replace('-', '_')])] },
  });
  return [
    {
      op: 'insert',
      table: 'Gateway_Chassis',
      'uuid-name': 'gc',
      row: { name: 'lr-dgp-gw1', chassis_name: 'gw1', priority: 1 },
    },
    {
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': 'dgp',
      row: { name: 'lr-dgp', mac: MAC, networks: '100.64.0.1/16', gateway_chassis: ['named-uuid', 'gc'] },
    },
    { op: 'insert', table: 'Logical_Router', row: { name: 'lr', ports: ['named-uuid', 'dgp'] } },
    routerPort('a-lr'),
    routerPort('b-lr'),
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': 'ln',
      row: { name: 'ln', type: 'localnet', addresses: 'unknown', options: ['map', [['network_name', 'phys']]] },
    },
    sw('a', localnetOn === 'a' ? ['a-lr', 'ln'] : ['a-lr']),
    sw('b', localnetOn === 'b' ? ['b-lr', 'ln'] : ['b-lr']),
  ];
}

/** The priority-50 L2 lookup match of the router's MAC on each switch. */
function l2Lookup(nb: MemNb): Record<string, string[]> {
  const c = compile(nb.snapshot());
  const names = new Map<string, string>();
  for (const ls of nb.rows('Logical_Switch').values()) names.set(ls['_uuid'] as string, ls['name'] as string);
  const out: Record<string, string[]> = {};
  for (const f of c.logicalFlows)
    if (f.stageName === 'ls_in_l2_lkup' && f.priority === 50 && f.match.includes(MAC)) {
      for (const dp of f.datapaths) (out[names.get(dp) ?? dp] ??= []).push(f.match);
    }
  return out;
}

describe('a second router-type port naming the same router port', () => {
  for (const side of ['a', 'b'] as const) {
    it(`goes by its own switch's localnet ports (localnet on ${side})`, () => {
      const nb = new MemNb();
      nb.transact(topology(side));
      const other = side === 'a' ? 'b' : 'a';
      expect(l2Lookup(nb)).toEqual({ [side]: [RESIDENT], [other]: [`eth.dst == ${MAC}`] });
    });
  }

  it('the localnet port going away is handled incrementally as a full compile does', () => {
    for (const side of ['a', 'b'] as const) {
      const nb = new MemNb();
      nb.transact(topology(side));
      nb.takeChanges();
      const check = new EngineCheck();
      check.round(nb.snapshot(), 'full');
      const ln = [...nb.rows('Logical_Switch_Port').values()].find((p) => p['name'] === 'ln')!['_uuid'];
      nb.transact([
        {
          op: 'mutate',
          table: 'Logical_Switch',
          where: [['name', '==', side]],
          mutations: [['ports', 'delete', ['set', [['uuid', ln]]]]],
        },
      ]);
      // round() throws when the incremental output differs from a full compile.
      const r = check.round(nb.snapshot(), nb.takeChanges().changes);
      expect(r.full).toBe(false);
      expect(l2Lookup(nb)).toEqual({ a: [`eth.dst == ${MAC}`], b: [`eth.dst == ${MAC}`] });
    }
  });
});
