// The @ovnts/nb library against a real NB ovsdb-server: one commit per batch, a failing batch writes
// nothing. (The typed gateway example is run and checked by examples.test.ts.)
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { NbError, NbSession, addSwitch, addSwitchPort, setSwitchPortAddresses } from '@ovnts/nb';

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
});
