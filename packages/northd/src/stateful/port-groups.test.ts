import { describe, expect, it } from 'vitest';
import { schema } from '@ovnts/schema/nb';
import type { PortGroup } from '@ovnts/schema/nb';
import type { Uuid } from 'ovsdb-client-ts';
import { Diagnostics } from '../diagnostics.js';
import type { NbInput } from '../input.js';
import { NbBuilder } from '../testing/nb-builder.js';
import { makeRow } from '../testing/rows.js';
import { buildTopology } from '../topology.js';
import { portGroupAddressSets } from './port-groups.js';

/** An NB with one group over ports of every kind of addresses entry. */
function nbWithGroup(): { nb: NbInput; pg: PortGroup } {
  const b = new NbBuilder()
    .ls('ls1')
    .vif('ls1', 'plain', '0a:00:00:00:00:01 10.0.0.1 fd00::1')
    .lsp('ls1', 'two', { addresses: ['0a:00:00:00:00:02 10.0.0.2', '0a:00:00:00:00:12 10.0.0.12/24'] })
    .lsp('ls1', 'unknown', { addresses: ['unknown', '0a:00:00:00:00:03 10.0.0.3'] })
    .lsp('ls1', 'dyn', { addresses: ['dynamic'], dynamic_addresses: '0a:00:00:00:00:04 10.0.0.4' })
    .lsp('ls1', 'dyn-unset', { addresses: ['0a:00:00:00:00:05 dynamic'] })
    .lsp('ls1', 'bad', { addresses: ['0a:00:00:00:00:06 10.0.0.6', 'nonsense 10.0.0.7'] })
    .lsp('ls1', 'router-entry', { addresses: ['router', '0a:00:00:00:00:08 10.0.0.8'] });
  const nb = b.build();
  const pg = makeRow<PortGroup>(
    schema,
    'Port_Group',
    { name: 'pg1', ports: [...b.lsps.values()].map((p) => p._uuid) as Uuid<'Logical_Switch_Port'>[] },
    '00000000-0000-4000-8000-0000000000f1',
  );
  (nb.Port_Group as Map<Uuid<'Port_Group'>, PortGroup>).set(pg._uuid, pg);
  return { nb, pg };
}

describe('portGroupAddressSets', () => {
  const want = [
    {
      name: 'pg1_ip4',
      addresses: ['10.0.0.1', '10.0.0.12', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.6', '10.0.0.8'],
    },
    { name: 'pg1_ip6', addresses: ['fd00::1'] },
  ];

  it("takes its members' static and assigned dynamic IPs", () => {
    const { nb, pg } = nbWithGroup();
    expect(portGroupAddressSets(nb, pg)).toEqual(want);
  });

  it("gives the same sets from a topology's parse of the members' addresses", () => {
    const { nb, pg } = nbWithGroup();
    buildTopology(nb, new Diagnostics());
    expect(portGroupAddressSets(nb, pg)).toEqual(want);
  });
});
