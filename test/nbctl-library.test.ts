// The @ovnts/nb library against a real NB ovsdb-server: one commit per batch, a failing batch writes
// nothing, and the typed gateway example builds exactly what examples/gateway.sh builds with the real
// ovn-nbctl.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { useSandbox, type Sandbox, type OvsdbServer } from '@ovnts/test-harness';
import { NbError, NbSession, addSwitch, addSwitchPort, setSwitchPortAddresses } from '@ovnts/nb';
import { buildGatewayTopology } from '../examples/gateway-topology.js';

const root = path.resolve(import.meta.dirname, '..');

async function showAll(sb: Sandbox, db: OvsdbServer): Promise<string> {
  let out = '';
  for (const x of ['ls1', 'join', 'outside', 'router1', 'gw1']) {
    out += await sb.runOk('ovn-nbctl', [`--db=${db.remotes.unix}`, 'show', x]);
  }
  for (const cmd of [
    ['lr-nat-list', 'gw1'],
    ['lr-route-list', 'gw1'],
    ['lr-route-list', 'router1'],
    ['lb-list'],
    ['ls-lb-list', 'ls1'],
  ]) {
    out += await sb.runOk('ovn-nbctl', [`--db=${db.remotes.unix}`, ...cmd]);
  }
  out += await sb.runOk('ovn-nbctl', [`--db=${db.remotes.unix}`, 'get', 'Logical_Router', 'gw1', 'options']);
  // UUIDs differ between databases, and show lists a row's ports in UUID order.
  return out
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .split('\n')
    .sort()
    .join('\n');
}

describe('@ovnts/nb against ovsdb-server', () => {
  const sandbox = useSandbox();

  it('a batch is one transaction; a failing batch changes nothing', async () => {
    const sb = sandbox();
    const { nb } = await sb.startCentral();
    const session = await NbSession.open(nb.remotes.unix);
    try {
      const s1 = await session.load();
      addSwitch(s1, 'ls1');
      addSwitchPort(s1, 'ls1', 'p1');
      setSwitchPortAddresses(s1, 'p1', ['00:00:00:00:00:01 10.0.0.1']);
      expect(await session.commit(s1)).toEqual({ changed: true });
      expect(await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'lsp-get-addresses', 'p1'])).toBe(
        '00:00:00:00:00:01 10.0.0.1\n',
      );

      const s2 = await session.load();
      addSwitch(s2, 'ls2');
      addSwitchPort(s2, 'ls1', 'p2');
      expect(() => setSwitchPortAddresses(s2, 'p2', ['00:00:00:00:00:02 10.0.0.1'])).toThrow(NbError);
      // The caller drops the batch: nothing of it reaches the database.
      const after = await session.load();
      expect(after.rows('Logical_Switch').map((r) => r['name'])).toEqual(['ls1']);
      expect(after.rows('Logical_Switch_Port').map((r) => r['name'])).toEqual(['p1']);

      // A batch the server rejects is rejected as a whole too.
      const s3 = await session.load();
      addSwitch(s3, 'ls3');
      addSwitchPort(s3, 'ls3', 'p3');
      s3.insert('Address_Set', { name: 'as' });
      s3.insert('Address_Set', { name: 'as' }); // duplicate name: violates the table's index
      await expect(session.commit(s3)).rejects.toThrow(/constraint violation/);
      expect((await session.load()).rows('Logical_Switch').map((r) => r['name'])).toEqual(['ls1']);
    } finally {
      session.close();
    }
  });

  it('the typed example builds the same topology as examples/gateway.sh with the real ovn-nbctl', async () => {
    const sb = sandbox();
    const [a, b] = [await sb.startDb('nb', { name: 'nb-a' }), await sb.startDb('nb', { name: 'nb-b' })];
    await sb.runOk('sh', [path.join(root, 'examples/gateway.sh'), 'hv1'], {
      env: { NBCTL: 'ovn-nbctl', OVN_NB_DB: a.remotes.unix },
    });
    await sb.runOk('ovn-nbctl', [`--db=${b.remotes.unix}`, 'init']);
    await buildGatewayTopology(b.remotes.unix, 'hv1');
    const [viaCli, viaLib] = [await showAll(sb, a), await showAll(sb, b)];
    expect(viaLib).toBe(viaCli);
    expect(viaLib).toContain('"172.18.1.2"');
  });
});
