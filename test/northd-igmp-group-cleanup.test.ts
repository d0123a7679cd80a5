// ovnts-northd deletes the SB IGMP_Group rows ovn-controller left behind, as ovn-northd 23.03 does:
// a row whose chassis went (the server empties the weak reference), one naming no datapath, and the
// rows of a deleted switch; rows of live chassis and switches stay. Real servers and the real tools.
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

describe('ovnts-northd IGMP_Group cleanup', () => {
  const sandbox = useSandbox();

  it('deletes the groups of deleted chassis and datapaths, and those naming none', { timeout: 120_000 }, async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=20', ...a]);
    await nbctl('ls-add', 'sw1', '--', 'ls-add', 'sw2');
    await nbctl('--wait=sb', 'sync');
    await sbctl('chassis-add', 'hv1', 'geneve', '127.0.0.1');
    await sbctl('chassis-add', 'hv2', 'geneve', '127.0.0.2');
    const uuidOf = async (table: string, cond: string) =>
      (await sbctl('--bare', '--columns=_uuid', 'find', table, cond)).trim();
    const group = async (address: string, sw: string | null, hv: string) =>
      sbctl(
        'create',
        'IGMP_Group',
        `address=${address}`,
        ...(sw ? [`datapath=${await uuidOf('Datapath_Binding', `external_ids:name=${sw}`)}`] : []),
        `chassis=${await uuidOf('Chassis', `name=${hv}`)}`,
      );
    const addresses = async () =>
      (await sbctl('--bare', '--columns=address', 'find', 'IGMP_Group')).trim().split(/\s+/).filter(Boolean).sort();

    await group('239.0.1.1', 'sw1', 'hv1');
    await group('239.0.1.2', 'sw2', 'hv1');
    await group('239.0.1.3', 'sw1', 'hv2');
    // A controller's row naming no datapath goes at once; the others stay.
    await group('239.0.1.4', null, 'hv1');
    await until('the row without datapath deleted', async () => !(await addresses()).includes('239.0.1.4'));
    await nbctl('--wait=sb', 'sync');
    expect(await addresses()).toEqual(['239.0.1.1', '239.0.1.2', '239.0.1.3']);

    await sbctl('chassis-del', 'hv2');
    await until('the group of the deleted chassis deleted', async () => !(await addresses()).includes('239.0.1.3'));

    await nbctl('--wait=sb', 'ls-del', 'sw2');
    await until('the group of the deleted switch deleted', async () => !(await addresses()).includes('239.0.1.2'));
    expect(await addresses()).toEqual(['239.0.1.1']);
  });
});
