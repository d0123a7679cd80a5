// ovnts-controller under the REAL ovn-northd, IPv6: neighbor discovery answered through pinctrl (nd_na for
// known VIF addresses on the switch, nd_na_router on the router), VM↔VM on a switch, VM→router and across
// subnets through the router; a hop-limit-1 ping gets the router's ICMPv6 time exceeded.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addRouterWithSwitches, startCentral } from './controller-fixtures.js';

describe('ovnts-controller: IPv6', () => {
  const sandbox = useSandbox();

  it('ping6 on a switch, to the router and through it', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addRouterWithSwitches(nbctl, [
      ['192.168.1.1/24', 'fd00:1::1/64'],
      ['192.168.2.1/24', 'fd00:2::1/64'],
    ]);
    const vms = [
      ['vm1', 1, '10'],
      ['vm2', 1, '11'],
      ['vm3', 2, '10'],
    ] as const;
    for (const [name, n, host] of vms)
      await nbctl(
        'lsp-add',
        `ls${n}`,
        name,
        '--',
        'lsp-set-addresses',
        name,
        `02:ac:10:ff:0${n}:${host} 192.168.${n}.${host} fd00:${n}::${host}`,
      );
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const started = [];
    for (const [name, n, host] of vms) {
      const vm = await hv.addVm(name, `02:ac:10:ff:0${n}:${host}`, `192.168.${n}.${host}/24`, `192.168.${n}.1`);
      await vm.exec('ip', ['-6', 'addr', 'add', `fd00:${n}::${host}/64`, 'dev', vm.ifname, 'nodad']);
      await vm.exec('ip', ['-6', 'route', 'add', 'default', 'via', `fd00:${n}::1`]);
      started.push(vm);
    }
    await nbctl('--timeout=20', '--wait=hv', 'sync');
    const vm1 = started[0]!;
    const ping6 = async (dst: string) =>
      (await vm1.exec('ping', ['-6', '-c', '2', '-i', '0.2', '-W', '2', dst])).stdout;
    expect(await ping6('fd00:1::11')).toMatch(/ 0% packet loss/);
    expect(await ping6('fd00:1::1')).toMatch(/ 0% packet loss/);
    expect(await ping6('fd00:2::10')).toMatch(/ 0% packet loss/);
    // Hop limit 1 through the router: ICMPv6 time exceeded from the router (icmp6 {} through pinctrl).
    const hop = await vm1.exec('ping', ['-6', '-c', '1', '-t', '1', '-W', '2', 'fd00:2::10']);
    expect(hop.stdout).toMatch(/From fd00:1::1 .*Time exceeded/i);
  });
});
