// Switch multicast snooping through the incremental engine: the L2 lookup flows and the switch groups
// follow the switch's options, its ports' options and its routers' relay option (each round checked
// against a full compile and a full SB diff by EngineCheck).
import { describe, expect, it } from 'vitest';
import { EngineCheck } from '../testing/engine-check.js';
import { k8sNbOps } from '../testing/k8s-topology.js';
import { MemNb } from '../testing/mem-nb.js';

const shape = { nodes: 3, podsPerNode: 3, vips: 0, acls: 0 };
const byName = (name: string) => [['name', '==', name]];

describe('switch multicast snooping through the engine', () => {
  it('follows switch, port and router options', () => {
    const nb = new MemNb();
    nb.transact(k8sNbOps(shape));
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    const step = (ops: unknown[]) => {
      nb.transact(ops);
      return check.round(nb.snapshot(), nb.takeChanges().changes).full;
    };
    const unregistered = () =>
      check.engine
        .compiled()
        .logicalFlows.filter((f) => f.stageName === 'ls_in_l2_lkup' && f.match === 'ip4.mcast || ip6.mcast')
        .map((f) => f.actions);
    const groups = (name: string) => check.engine.compiled().multicastGroups.filter((g) => g.name === name).length;

    expect(
      step([
        {
          op: 'update',
          table: 'Logical_Switch',
          where: byName('node0'),
          row: { other_config: ['map', [['mcast_snoop', 'true']]] },
        },
      ]),
    ).toBe(false);
    expect(unregistered()).toEqual(['drop;']);
    // A pod floods statically.
    const pod = [...nb.rows('Logical_Switch_Port').values()].find((p) => String(p['name']).endsWith('_pod-0-0'))!;
    step([
      {
        op: 'update',
        table: 'Logical_Switch_Port',
        where: byName(String(pod['name'])),
        row: { options: ['map', [['mcast_flood', 'true']]] },
      },
    ]);
    expect(unregistered()).toEqual(['outport ="_MC_static"; output;']);
    expect(groups('_MC_static')).toBe(1);
    // The cluster router relays.
    step([
      {
        op: 'update',
        table: 'Logical_Router',
        where: byName('ovn_cluster_router'),
        row: { options: ['map', [['mcast_relay', 'true']]] },
      },
    ]);
    expect(unregistered()).toEqual([
      'clone { outport = "_MC_mrouter_flood"; output; }; outport ="_MC_static"; output;',
    ]);
    expect(groups('_MC_mrouter_flood')).toBeGreaterThan(0);
    step([{ op: 'update', table: 'Logical_Switch', where: byName('node0'), row: { other_config: ['map', []] } }]);
    expect(unregistered()).toEqual([]);
  });
});
