// Issue 24, RBAC and SSL: the SB is served over pssl: with role=ovn-controller, as production deployments
// run it; ovnts-northd (on the server's unix socket, no role) writes the RBAC rows. Two chassis reach it
// with their own certificates (CN = system-id): hv1 runs ovnts-controller, hv2 the real ovn-controller.
// Both work (claims, tunnels, a ping across), neither can touch the other's rows, and an ovnts-controller
// whose certificate names another chassis is refused by the server without dying.
import { describe, expect, it } from 'vitest';
import { freePort, makeCa, makeCert, sslArgs, useSandbox, waitFor, type CertFiles } from '@ovnts/test-harness';
import { OvsdbClient, OvsdbError } from 'ovsdb-client-ts';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addTwoVmSwitch, connectUnderlay } from './controller-fixtures.js';

const UNDERLAY = '172.31.4';

/** A transaction on the SB as the holder of `cert`; resolves to the server's error text, or 'ok'. */
async function transactAs(remote: string, cert: CertFiles, ops: unknown[]): Promise<string> {
  const c = await OvsdbClient.connect(remote, { ssl: cert, reconnect: false, inactivityProbeMs: 0 });
  try {
    await c.transact('OVN_Southbound', ops as never);
    return 'ok';
  } catch (e) {
    if (e instanceof OvsdbError) return e.message;
    throw e;
  } finally {
    await c.close();
  }
}

describe('chassis under RBAC over SSL', () => {
  const sandbox = useSandbox();

  it('ovnts-controller and ovn-controller work with role=ovn-controller and cannot touch each other', async () => {
    const sb = sandbox();
    await makeCa(sb, 'ca');
    const server = await makeCert(sb, 'sb-server', 'ca');
    const hv1Cert = await makeCert(sb, 'hv1', 'ca');
    const hv2Cert = await makeCert(sb, 'hv2', 'ca');
    const nb = await sb.startDb('nb');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    // The SB listens where its Connection rows say (ovn-ctl's --remote=db:...), with the server's certificate.
    const sbdb = await sb.startDb('sb', {
      extraArgs: [...sslArgs(server), '--remote=db:OVN_Southbound,SB_Global,connections'],
    });
    await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const sbctl = async (...a: string[]) => (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a])).trim();
    const nbctl = async (...a: string[]) => (await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a])).trim();
    await waitFor(
      'RBAC role',
      async () => (await sbctl('--bare', '--columns=name', 'list', 'RBAC_Role')) !== '',
      20_000,
    );
    const port = await freePort();
    await sbctl('set-connection', 'role=ovn-controller', `pssl:${port}:127.0.0.1`);
    const remote = `ssl:127.0.0.1:${port}`;
    await waitFor(
      'the pssl: remote',
      async () => (await transactAs(remote, hv1Cert, []).catch(() => 'down')) === 'ok',
      10_000,
    );

    await addTwoVmSwitch(nbctl);
    const hv1 = await sb.startChassis({ sbRemote: remote, name: 'hv1', encapIp: `${UNDERLAY}.1` });
    const hv2 = await sb.startChassis({ sbRemote: remote, name: 'hv2', encapIp: `${UNDERLAY}.2` });
    await connectUnderlay(sb, hv1, hv2, UNDERLAY);
    const ovnts = await hv1.startOvntsController(sslArgs(hv1Cert));
    const real = await hv2.startRealController(sslArgs(hv2Cert));
    const vm1 = await hv1.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    await hv2.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
    await waitFor(
      'both ports bound to their chassis',
      async () => {
        const on = async (lp: string) => {
          const ch = await sbctl('--bare', '--columns=chassis', 'find', 'Port_Binding', `logical_port=${lp}`);
          return ch ? sbctl('--bare', '--columns=name', 'list', 'Chassis', ch) : '';
        };
        return (await on('vm1')) === 'hv1' && (await on('vm2')) === 'hv2';
      },
      30_000,
    );
    await nbctl('--timeout=30', '--wait=hv', 'sync');
    const ping = await vm1.exec('ping', ['-c', '3', '-i', '0.3', '-W', '2', '192.168.100.11']);
    expect(ping.stdout).toMatch(/ 0% packet loss/);

    // The server enforces the role: hv1 may not rewrite or delete hv2's rows, nor register as hv2.
    const hv2Uuid = await sbctl('--bare', '--columns=_uuid', 'find', 'Chassis', 'name=hv2');
    const refused = /RBAC rules for client "hv1" role "ovn-controller" prohibit/;
    expect(
      await transactAs(remote, hv1Cert, [
        {
          op: 'update',
          table: 'Chassis',
          where: [['_uuid', '==', ['uuid', hv2Uuid]]],
          row: { external_ids: ['map', [['x', 'y']]] },
        },
      ]),
    ).toMatch(refused);
    expect(
      await transactAs(remote, hv1Cert, [{ op: 'delete', table: 'Encap', where: [['chassis_name', '==', 'hv2']] }]),
    ).toMatch(refused);
    expect(
      await transactAs(remote, hv1Cert, [
        { op: 'insert', table: 'Chassis', row: { name: 'hv2-impostor', hostname: 'x' } },
      ]),
    ).toMatch(refused);

    // A chassis whose certificate names another: every write of its own rows is refused. It keeps running,
    // says why, and writes nothing.
    const hv3 = await sb.startChassis({ sbRemote: remote, name: 'hv3', encapIp: `${UNDERLAY}.3` });
    const impostor = await hv3.startOvntsController(sslArgs(hv1Cert));
    await waitFor('the refusal logged', async () => /prohibit/.test(await impostor.log()), 20_000);
    await new Promise((r) => setTimeout(r, 8_000));
    expect(impostor.alive).toBe(true);
    // It backs off instead of hammering the server: a handful of attempts, fewer lines.
    expect((await impostor.log()).match(/recompute failed/g)?.length).toBeLessThanOrEqual(3);
    expect(await sbctl('--bare', '--columns=name', 'find', 'Chassis', 'name=hv3')).toBe('');

    // Through all of it both controllers stayed up, and traffic still flows.
    expect(ovnts.alive && real.alive).toBe(true);
    expect((await vm1.exec('ping', ['-c', '2', '-i', '0.3', '-W', '2', '192.168.100.11'])).stdout).toMatch(
      / 0% packet loss/,
    );
  }, 180_000);
});
