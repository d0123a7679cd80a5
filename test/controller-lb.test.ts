// ovnts-controller under the REAL ovn-northd: a load balancer VIP on the client's switch spreads 10 curl
// requests over two backends on another subnet (ct_lb_mark + an OpenFlow select group).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { addRouterWithSwitches, addVif, startCentral } from './controller-fixtures.js';

describe('ovnts-controller: load balancer', () => {
  const sandbox = useSandbox();

  it('curl to the VIP reaches both backends', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await addRouterWithSwitches(nbctl, [['192.168.1.1/24'], ['192.168.2.1/24']]);
    await addVif(nbctl, 'ls1', 'client', '02:ac:10:ff:01:10 192.168.1.10');
    await addVif(nbctl, 'ls2', 'web1', '02:ac:10:ff:02:11 192.168.2.11');
    await addVif(nbctl, 'ls2', 'web2', '02:ac:10:ff:02:12 192.168.2.12');
    await nbctl('lb-add', 'lb1', '10.0.0.100:80', '192.168.2.11:80,192.168.2.12:80', 'tcp');
    await nbctl('ls-lb-add', 'ls1', 'lb1');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const ctl = sb.own(await startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir }));
    const client = await hv.addVm('client', '02:ac:10:ff:01:10', '192.168.1.10/24', '192.168.1.1');
    const web1 = await hv.addVm('web1', '02:ac:10:ff:02:11', '192.168.2.11/24', '192.168.2.1');
    const web2 = await hv.addVm('web2', '02:ac:10:ff:02:12', '192.168.2.12/24', '192.168.2.1');
    await sb.startHttpServer(web1.netns, web1.ip, web1.name);
    await sb.startHttpServer(web2.netns, web2.ip, web2.name);
    await nbctl('--timeout=20', '--wait=hv', 'sync');
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
});
