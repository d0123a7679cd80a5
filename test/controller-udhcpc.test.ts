// A stock DHCP client against ovnts-controller's native DHCP and DNS, under the real ovn-northd and under
// ovnts-northd: busybox's udhcpc in a VM namespace gets its address, netmask, router, DNS server and lease from
// the NB DHCP_Options (its script configures the interface and route, as a distribution's would), the VM
// reaches its router, and busybox's nslookup resolves a name from the NB DNS records through OVN.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Sandbox, useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { addDhcpDnsSwitch, startCentral } from './controller-fixtures.js';

const northds = [
  ['the real ovn-northd', undefined],
  ['ovnts-northd', (sb: Sandbox) => (n: string, s: string) => startOvntsNorthd(sb, n, s)],
] as const;

/** udhcpc's hook: on a lease, record what it was given and configure the interface with it. */
function writeScript(dir: string): { script: string; lease: string } {
  const script = path.join(dir, 'udhcpc.sh');
  const lease = path.join(dir, 'udhcpc.lease');
  writeFileSync(
    script,
    `#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface" ;;
  bound|renew)
    echo "ip=$ip subnet=$subnet router=$router dns=$dns lease=$lease serverid=$serverid" > ${lease}
    ip addr add "$ip/$mask" dev "$interface"
    ip route add default via "$router" dev "$interface" ;;
esac
`,
  );
  chmodSync(script, 0o755);
  return { script, lease };
}

describe.each(northds)('ovnts-controller: busybox udhcpc and nslookup, %s', (_name, northd) => {
  const sandbox = useSandbox();

  it(
    'a VM gets its address, router and DNS server by DHCP, then resolves a name from OVN DNS',
    { timeout: 180_000 },
    async () => {
      const sb = sandbox();
      const { sbdb, nbctl } = await startCentral(sb, northd?.(sb));
      await addDhcpDnsSwitch(nbctl);

      const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
      sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
      const vm1 = await hv.addVm('vm1', '02:ac:10:01:00:11', '10.255.255.1/32');
      await vm1.exec('ip', ['addr', 'flush', 'dev', vm1.ifname]);
      await nbctl('--timeout=20', '--wait=hv', 'sync');

      const { script, lease } = writeScript(sb.dir);
      // -n: exit if no lease; -q: exit once bound; -t/-T: 5 discovers 2 s apart.
      const dhcp = await vm1.exec(
        'busybox',
        ['udhcpc', '-i', vm1.ifname, '-n', '-q', '-t', '5', '-T', '2', '-s', script],
        30_000,
      );
      expect(dhcp.code, `${dhcp.stdout}${dhcp.stderr}`).toBe(0);
      expect(readFileSync(lease, 'utf8').trim()).toBe(
        'ip=192.168.1.11 subnet=255.255.255.0 router=192.168.1.1 dns=192.168.1.1 lease=3600 serverid=192.168.1.1',
      );
      expect((await vm1.exec('ip', ['-4', 'addr', 'show', 'dev', vm1.ifname])).stdout).toContain('192.168.1.11/24');
      expect((await vm1.exec('ping', ['-c', '1', '-W', '2', '192.168.1.1'])).code).toBe(0);

      const dns = await vm1.exec('busybox', ['nslookup', 'vm9.ovn.test', '192.168.1.1'], 20_000);
      expect(dns.stdout, dns.stderr).toMatch(/Address:\s*192\.168\.1\.99/);
    },
  );
});
