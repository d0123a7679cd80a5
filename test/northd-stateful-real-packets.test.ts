// Real packets with ovnts-northd's stateful flows: the REAL ovn-controller 23.03 and a netdev
// ovs-vswitchd consume our SB. A port-group ACL drop blocks ping and removing it restores it; an
// allow-related ACL (conntrack, address set derived from a port group) lets ping through again
// while a lower-priority drop still blocks everyone else.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '../packages/northd/src/testing/daemon.js';

describe('real packets through ovnts-northd: ACLs', () => {
  const sandbox = useSandbox();

  it('an ACL drop blocks ping, removing it restores it; allow-related lets only the port group in', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
    await nbctl('ls-add', 'ls1');
    await nbctl('lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:00:11 192.168.100.10');
    await nbctl('lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11');
    await nbctl('lsp-add', 'ls1', 'vm3', '--', 'lsp-set-addresses', 'vm3', '02:ac:10:ff:00:33 192.168.100.12');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    await hv.startRealController();
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24');
    const vm3 = await hv.addVm('vm3', '02:ac:10:ff:00:33', '192.168.100.12/24');
    await nbctl('--wait=hv', 'sync');

    // ping exits non-zero when nothing comes back; its summary line is what counts either way.
    const reaches = async (vm: typeof vm1, ip: string) => {
      const r = await vm.exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', ip]).catch((e: unknown) => ({ stdout: String(e) }));
      const loss = / (\d+)% packet loss/.exec(r.stdout)?.[1];
      expect(loss, r.stdout).toBeDefined();
      return loss === '0';
    };
    expect(await reaches(vm1, '192.168.100.11')).toBe(true);

    // Drop ICMP to the port group {vm2}.
    await nbctl('pg-add', 'pg_servers', 'vm2');
    await nbctl('acl-add', 'pg_servers', 'to-lport', '1000', 'outport == @pg_servers && icmp4', 'drop');
    await nbctl('--wait=hv', 'sync');
    expect(await reaches(vm1, '192.168.100.11')).toBe(false);
    expect(await reaches(vm1, '192.168.100.12')).toBe(true);

    // Removing the ACL restores it.
    await nbctl('acl-del', 'pg_servers');
    await nbctl('--wait=hv', 'sync');
    expect(await reaches(vm1, '192.168.100.11')).toBe(true);

    // Stateful: only members of pg_clients (vm1) may open connections to the servers.
    await nbctl('pg-add', 'pg_clients', 'vm1');
    await nbctl('acl-add', 'pg_servers', 'to-lport', '1001', 'outport == @pg_servers && ip4.src == $pg_clients_ip4', 'allow-related');
    await nbctl('acl-add', 'pg_servers', 'to-lport', '1000', 'outport == @pg_servers && ip4', 'drop');
    await nbctl('--wait=hv', 'sync');
    expect(await reaches(vm1, '192.168.100.11')).toBe(true);
    expect(await reaches(vm3, '192.168.100.11')).toBe(false);
    expect(await reaches(vm3, '192.168.100.10')).toBe(true);
    expect(await northd.log()).not.toMatch(/"level":50/);
  });
});
