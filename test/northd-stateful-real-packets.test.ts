// Real packets with ovnts-northd's stateful flows: the REAL ovn-controller 23.03 and a netdev
// ovs-vswitchd consume our SB. A port-group ACL drop blocks ping and removing it restores it; an
// allow-related ACL (conntrack, address set derived from a port group) lets ping through again
// while a lower-priority drop still blocks everyone else. curl to a switch load balancer VIP
// reaches both backends.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

describe('real packets through ovnts-northd: ACLs and load balancers', () => {
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
      const r = await vm
        .exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', ip])
        .catch((e: unknown) => ({ stdout: String(e) }));
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
    await nbctl(
      'acl-add',
      'pg_servers',
      'to-lport',
      '1001',
      'outport == @pg_servers && ip4.src == $pg_clients_ip4',
      'allow-related',
    );
    await nbctl('acl-add', 'pg_servers', 'to-lport', '1000', 'outport == @pg_servers && ip4', 'drop');
    await nbctl('--wait=hv', 'sync');
    expect(await reaches(vm1, '192.168.100.11')).toBe(true);
    expect(await reaches(vm3, '192.168.100.11')).toBe(false);
    expect(await reaches(vm3, '192.168.100.10')).toBe(true);
    expect(await northd.log()).not.toMatch(/\|(ERR|EMER)\|/);
  });

  it('curl to a switch load balancer VIP reaches both backends (through a router, with allow-related ACLs)', async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
    await nbctl('lr-add', 'lr1');
    for (const n of [1, 2]) {
      await nbctl('ls-add', `ls${n}`);
      await nbctl('lrp-add', 'lr1', `lr1-ls${n}`, `02:ac:10:ff:0${n}:01`, `192.168.${n}.1/24`);
      await nbctl(
        'lsp-add',
        `ls${n}`,
        `ls${n}-lr1`,
        '--',
        'lsp-set-type',
        `ls${n}-lr1`,
        'router',
        '--',
        'lsp-set-addresses',
        `ls${n}-lr1`,
        'router',
        '--',
        'lsp-set-options',
        `ls${n}-lr1`,
        `router-port=lr1-ls${n}`,
      );
    }
    await nbctl('lsp-add', 'ls1', 'client', '--', 'lsp-set-addresses', 'client', '02:ac:10:ff:01:10 192.168.1.10');
    await nbctl('lsp-add', 'ls2', 'web1', '--', 'lsp-set-addresses', 'web1', '02:ac:10:ff:02:11 192.168.2.11');
    await nbctl('lsp-add', 'ls2', 'web2', '--', 'lsp-set-addresses', 'web2', '02:ac:10:ff:02:12 192.168.2.12');
    await nbctl('lb-add', 'lb1', '10.0.0.100:80', '192.168.2.11:80,192.168.2.12:80', 'tcp');
    await nbctl('ls-lb-add', 'ls1', 'lb1');
    // Only HTTP reaches the web servers, and only as connections they did not open.
    await nbctl('pg-add', 'pg_web', 'web1', 'web2');
    await nbctl('acl-add', 'pg_web', 'to-lport', '1001', 'outport == @pg_web && tcp.dst == 80', 'allow-related');
    await nbctl('acl-add', 'pg_web', 'to-lport', '1000', 'outport == @pg_web && ip4', 'drop');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    await hv.startRealController();
    const client = await hv.addVm('client', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    const web1 = await hv.addVm('web1', '02:ac:10:ff:02:11', '192.168.2.11/24', '192.168.2.1');
    const web2 = await hv.addVm('web2', '02:ac:10:ff:02:12', '192.168.2.12/24', '192.168.2.1');
    await sb.startHttpServer(web1.netns, web1.ip, web1.name);
    await sb.startHttpServer(web2.netns, web2.ip, web2.name);
    await nbctl('--wait=hv', 'sync');

    // 10 requests must all succeed; a few more (bounded) if the hash happened to pick one backend.
    const seen = new Map<string, number>();
    for (let i = 0; i < 30 && (i < 10 || seen.size < 2); i++) {
      const r = await client.exec('curl', ['-s', '--max-time', '2', 'http://10.0.0.100/']);
      expect(r.code).toBe(0);
      seen.set(r.stdout, (seen.get(r.stdout) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['web1', 'web2']);
    // The drop ACL still holds for anything else.
    const ping = await client
      .exec('ping', ['-c', '1', '-W', '1', '192.168.2.11'])
      .catch((e: unknown) => ({ stdout: String(e) }));
    expect(ping.stdout).toMatch(/100% packet loss/);
    expect(await northd.log()).not.toMatch(/\|(ERR|EMER)\|/);
  });
});
