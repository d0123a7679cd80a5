// ovnts-northd ages MAC_Binding rows as ovn-northd 23.03 does, against real servers and the real tools: a
// router with options:mac_binding_age_threshold loses the rows of its datapath once their timestamp is
// that old (a timer, with no other change), other datapaths keep theirs, and nothing ages while a chassis
// does not stamp its rows (the mac-binding-timestamp feature).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

async function until(what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ovnts-northd MAC binding aging', () => {
  const sandbox = useSandbox();

  it(
    'deletes rows past the router threshold, on a timer, only with the chassis feature',
    { timeout: 120_000 },
    async () => {
      const sb = sandbox();
      const { nb, sb: sbdb } = await sb.startCentral();
      await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
      const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
      const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=20', ...a]);
      await nbctl('lr-add', 'gw', '--', 'lrp-add', 'gw', 'gw-p', '00:00:00:00:10:00', '192.168.10.1/24');
      await nbctl('lr-add', 'other', '--', 'lrp-add', 'other', 'other-p', '00:00:00:00:20:00', '192.168.20.1/24');
      await nbctl('--wait=sb', 'sync');
      // A chassis that does not stamp its MAC bindings: aging is off.
      await sbctl('chassis-add', 'hv1', 'geneve', '127.0.0.1');
      const dp = async (router: string) =>
        (await sbctl('--bare', '--columns=_uuid', 'find', 'Datapath_Binding', `external_ids:name=${router}`)).trim();
      const addBinding = async (router: string, port: string, ip: string, ageMs: number) =>
        sbctl(
          'create',
          'MAC_Binding',
          `datapath=${await dp(router)}`,
          `logical_port=${port}`,
          `ip=${ip}`,
          'mac="00:00:00:00:10:10"',
          `timestamp=${Date.now() - ageMs}`,
        );
      await addBinding('gw', 'gw-p', '192.168.10.10', 100_000);
      await addBinding('other', 'other-p', '192.168.20.10', 100_000);
      const ips = async () =>
        (await sbctl('--bare', '--columns=ip', 'find', 'MAC_Binding')).trim().split(/\s+/).filter(Boolean).sort();

      await nbctl('--wait=sb', 'set', 'logical_router', 'gw', 'options:mac_binding_age_threshold=8');
      await new Promise((r) => setTimeout(r, 1000));
      expect(await ips()).toEqual(['192.168.10.10', '192.168.20.10']);

      // The chassis now stamps its rows: the old one goes at once, a fresh one when it is 8 s old.
      await addBinding('gw', 'gw-p', '192.168.10.20', 0);
      const fresh = Date.now();
      await sbctl('set', 'chassis', 'hv1', 'other_config:mac-binding-timestamp=true');
      await until('the old binding aged out', async () => !(await ips()).includes('192.168.10.10'));
      expect(await ips()).toContain('192.168.10.20');
      await until('the fresh binding aged out', async () => !(await ips()).includes('192.168.10.20'), 20_000);
      expect(Date.now() - fresh).toBeGreaterThanOrEqual(7_000);
      expect(await ips()).toEqual(['192.168.20.10']); // its router does not age
    },
  );
});
