// ovnts-controller's pinctrl with real packets, under the REAL ovn-northd: a VM namespace asks OVN's native
// DHCP for its address (DISCOVER → OFFER, REQUEST → ACK, with router, DNS server and lease time from the
// NB DHCP_Options), takes it, reaches its router, and resolves a name from the NB DNS records.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addDhcpDnsSwitch, addVif, startCentral } from './controller-fixtures.js';

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'dhcp-dns-client.mjs');

interface DhcpReply {
  type: number;
  yiaddr: string;
  options: Record<string, number[]>;
}

describe('ovnts-controller: native DHCP, DNS and FDB learning', () => {
  const sandbox = useSandbox();

  it('a VM gets its address, router and DNS server by DHCP, then resolves a name from OVN DNS', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addDhcpDnsSwitch(nbctl);

    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:01:00:11', '10.255.255.1/32');
    await vm1.exec('ip', ['addr', 'flush', 'dev', vm1.ifname]);
    await vm1.exec('ip', ['route', 'add', '255.255.255.255', 'dev', vm1.ifname]);
    await nbctl('--timeout=20', '--wait=hv', 'sync');

    const dhcp = await vm1.exec(process.execPath, [CLIENT, 'dhcp', '02:ac:10:01:00:11'], 20_000);
    expect(dhcp.stderr).toBe('');
    const { offer, ack } = JSON.parse(dhcp.stdout) as { offer: DhcpReply; ack: DhcpReply };
    expect(offer).toMatchObject({ type: 2, yiaddr: '192.168.1.11' });
    expect(ack).toMatchObject({ type: 5, yiaddr: '192.168.1.11' });
    expect(ack.options['1']).toEqual([255, 255, 255, 0]); // netmask from the CIDR
    expect(ack.options['3']).toEqual([192, 168, 1, 1]); // router
    expect(ack.options['6']).toEqual([192, 168, 1, 1]); // DNS server
    expect(ack.options['51']).toEqual([0, 0, 0x0e, 0x10]); // lease 3600 s
    expect(ack.options['54']).toEqual([192, 168, 1, 1]); // server id

    // Configure what DHCP said and use it: the router answers, and OVN answers the DNS query.
    await vm1.exec('ip', ['addr', 'add', `${ack.yiaddr}/24`, 'dev', vm1.ifname]);
    await vm1.exec('ip', ['route', 'add', 'default', 'via', '192.168.1.1']);
    expect((await vm1.exec('ping', ['-c', '1', '-W', '2', '192.168.1.1'])).code).toBe(0);
    const dns = await vm1.exec(process.execPath, [CLIENT, 'dns', '192.168.1.1', 'vm9.ovn.test'], 20_000);
    expect(JSON.parse(dns.stdout)).toEqual(['192.168.1.99']);
  });

  it('a port with unknown addresses has its source MACs learned into the SB FDB', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await nbctl('ls-add', 'ls1');
    await addVif(nbctl, 'ls1', 'vm1', 'unknown');
    await addVif(nbctl, 'ls1', 'vm2', '02:ac:10:01:00:12 192.168.1.12');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:01:00:99', '192.168.1.99/24');
    await hv.addVm('vm2', '02:ac:10:01:00:12', '192.168.1.12/24');
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    expect((await vm1.exec('ping', ['-c', '1', '-W', '2', '192.168.1.12'])).code).toBe(0);
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a]);
    await waitFor(
      'FDB row',
      async () => (await sbctl('--bare', '--columns=mac', 'list', 'FDB')).includes('02:ac:10:01:00:99'),
      10_000,
    );
    const vm1Key = (await sbctl('--bare', '--columns=tunnel_key', 'find', 'Port_Binding', 'logical_port=vm1')).trim();
    expect((await sbctl('--bare', '--columns=port_key', 'find', 'FDB', 'mac="02:ac:10:01:00:99"')).trim()).toBe(vm1Key);
  });
});
