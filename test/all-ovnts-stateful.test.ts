// The all-ovnts stack (ovnts-northd + ovnts-controller, no OVN daemons) with stateful services and real
// packets: the scenarios controller-routing/-lb/-snat.test.ts run under the real ovn-northd.
// (1) a port-group ACL drop blocks ping and removing it restores it; (2) a switch LB VIP spreads curl over
// both backends; (3) the examples/gateway.sh topology: a VM behind gateway router gw1 reaches a host on the
// localnet outside network, which sees the connection come from the SNAT address 172.18.1.2; gw1's VIP
// 172.18.1.254 reaches both VMs from the outside host and (ls1's copy of the balancer, hairpin) from a VM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Sandbox, routerPortArgs, useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { startOvntsNorthd } from '@ovnts/northd/testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function central(sb: Sandbox) {
  const { nb, sb: sbdb } = await sb.startCentral();
  await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = async (...a: string[]) => (await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a])).trim();
  const waitHv = () => nbctl('--timeout=30', '--wait=hv', 'sync');
  return { nb, sbdb, nbctl, waitHv };
}

/** lr1 between ls1 (192.168.1.0/24) and ls2 (192.168.2.0/24). */
async function twoSubnets(nbctl: (...a: string[]) => Promise<string>): Promise<void> {
  await nbctl('lr-add', 'lr1');
  for (const n of [1, 2]) {
    await nbctl('ls-add', `ls${n}`);
    await nbctl('lrp-add', 'lr1', `lr1-ls${n}`, `02:ac:10:ff:0${n}:01`, `192.168.${n}.1/24`);
    await nbctl(...routerPortArgs(`ls${n}`, `ls${n}-lr1`, `lr1-ls${n}`));
  }
}

describe('ovnts-northd + ovnts-controller: stateful services', () => {
  const sandbox = useSandbox();

  it('a port-group ACL drop blocks ping; removing it restores it', async () => {
    const sb = sandbox();
    const { sbdb, nbctl, waitHv } = await central(sb);
    await twoSubnets(nbctl);
    await nbctl('lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '02:ac:10:ff:01:10 192.168.1.10');
    await nbctl('lsp-add', 'ls2', 'vm3', '--', 'lsp-set-addresses', 'vm3', '02:ac:10:ff:02:10 192.168.2.10');
    await nbctl('pg-add', 'pg1', 'vm3');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    await hv.addVm('vm3', '02:ac:10:ff:02:10', '192.168.2.10/24', '192.168.2.1');
    await waitHv();
    const ping = async () => (await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', '192.168.2.10'])).stdout;
    expect(await ping()).toMatch(/ 0% packet loss/);

    await nbctl('--type=port-group', 'acl-add', 'pg1', 'to-lport', '1001', 'outport == @pg1 && icmp4', 'drop');
    await waitHv();
    expect(ctl.stats().lflowErrors).toBe(0);
    expect(await ping()).toMatch(/ 100% packet loss/);

    await nbctl('--type=port-group', 'acl-del', 'pg1');
    await waitHv();
    expect(await ping()).toMatch(/ 0% packet loss/);
  });

  it('curl to a switch load balancer VIP reaches both backends', async () => {
    const sb = sandbox();
    const { sbdb, nbctl, waitHv } = await central(sb);
    await twoSubnets(nbctl);
    await nbctl('lsp-add', 'ls1', 'client', '--', 'lsp-set-addresses', 'client', '02:ac:10:ff:01:10 192.168.1.10');
    await nbctl('lsp-add', 'ls2', 'web1', '--', 'lsp-set-addresses', 'web1', '02:ac:10:ff:02:11 192.168.2.11');
    await nbctl('lsp-add', 'ls2', 'web2', '--', 'lsp-set-addresses', 'web2', '02:ac:10:ff:02:12 192.168.2.12');
    await nbctl('lb-add', 'lb1', '10.0.0.100:80', '192.168.2.11:80,192.168.2.12:80', 'tcp');
    await nbctl('ls-lb-add', 'ls1', 'lb1');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const client = await hv.addVm('client', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    const web1 = await hv.addVm('web1', '02:ac:10:ff:02:11', '192.168.2.11/24', '192.168.2.1');
    const web2 = await hv.addVm('web2', '02:ac:10:ff:02:12', '192.168.2.12/24', '192.168.2.1');
    await sb.startHttpServer(web1.netns, web1.ip, 'web1');
    await sb.startHttpServer(web2.netns, web2.ip, 'web2');
    await waitHv();
    expect(ctl.stats().lflowErrors).toBe(0);
    expect(ctl.desired().groups.length).toBeGreaterThan(0);

    // 10 requests must all succeed; a few more (bounded) if dp_hash happened to pick one backend for all of them.
    const seen = new Map<string, number>();
    for (let i = 0; i < 30 && (i < 10 || seen.size < 2); i++) {
      const r = await client.exec('curl', ['-s', '--max-time', '2', 'http://10.0.0.100/']);
      expect(r.code).toBe(0);
      seen.set(r.stdout, (seen.get(r.stdout) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['web1', 'web2']);
  });

  /** The examples/gateway.sh topology on chassis hv1, with the outside host 172.18.0.1 on br-phys (phyNet). */
  async function gatewayLab() {
    const sb = sandbox();
    const { nb, sbdb, waitHv } = await central(sb);
    await sb.runOk('sh', [path.join(ROOT, 'examples/gateway.sh'), 'hv1'], {
      env: { NBCTL: 'ovn-nbctl', OVN_NB_DB: nb.remotes.unix },
    });
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix, bridgeMappings: 'phyNet:br-phys' });
    // The physical network: br-phys (a learning switch) with the outside host 172.18.0.1.
    const outside = await hv.addPhysicalHost('outside', '172.18.0.1/16');
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
    const vm2 = await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
    await waitHv();
    expect(ctl.stats().lflowErrors).toBe(0);
    expect(await hv.vsctl('list-ports', 'br-phys')).toMatch(/patch-phyNet-to-br-int/);
    return { sb, outside, vm1, vm2 };
  }

  it('examples/gateway.sh: a VM behind gw1 reaches the outside network as 172.18.1.2', async () => {
    const { sb, outside, vm1 } = await gatewayLab();
    await sb.startHttpServer(outside.netns, outside.ip);
    // The first packet out triggers gw1's ARP for 172.18.0.1 (pinctrl); retry briefly until learned.
    let ping = '';
    for (let i = 0; i < 5 && !/ 0% packet loss/.test(ping); i++)
      ping = (await vm1.exec('ping', ['-c', '2', '-i', '0.2', '-W', '1', '172.18.0.1'])).stdout;
    expect(ping).toMatch(/ 0% packet loss/);
    const r = await vm1.exec('curl', ['-s', '--max-time', '3', 'http://172.18.0.1/']);
    expect(r.stdout).toBe('172.18.1.2');
  });

  it('examples/gateway.sh: the outside host reaches both VMs through gw1 VIP 172.18.1.254', async () => {
    const { sb, outside, vm1, vm2 } = await gatewayLab();
    await sb.startHttpServer(vm1.netns, vm1.ip, 'vm1');
    await sb.startHttpServer(vm2.netns, vm2.ip, 'vm2');
    const seen = new Map<string, number>();
    for (let i = 0; i < 30 && (i < 10 || seen.size < 2); i++) {
      const r = await outside.exec('curl', ['-s', '--max-time', '2', 'http://172.18.1.254/']);
      expect(r.code).toBe(0);
      seen.set(r.stdout, (seen.get(r.stdout) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['vm1', 'vm2']);
  });

  it('examples/gateway.sh: VMs on ls1 reach the VIP too (ls1 balancer, hairpin to themselves)', async () => {
    const { sb, vm1, vm2 } = await gatewayLab();
    await sb.startHttpServer(vm1.netns, vm1.ip, 'vm1');
    await sb.startHttpServer(vm2.netns, vm2.ip, 'vm2');
    const seen = new Map<string, number>();
    for (let i = 0; i < 30 && (i < 10 || seen.size < 2); i++) {
      const r = await vm1.exec('curl', ['-s', '--max-time', '2', 'http://172.18.1.254/']);
      expect(r.code).toBe(0);
      seen.set(r.stdout, (seen.get(r.stdout) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['vm1', 'vm2']);
  });
});
