// Dev tool: run the lab topology with the real ovn-controller and print its non-pipeline flows and groups.
import { Sandbox } from '@ovnts/test-harness/servers';

const sb = new Sandbox();
try {
  const { nb, sb: sbdb } = await sb.startCentral();
  await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
  const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
  await nbctl(
    'ls-add',
    'ls1',
    '--',
    'lsp-add',
    'ls1',
    'vm1',
    '--',
    'lsp-set-addresses',
    'vm1',
    '02:ac:10:ff:00:11 192.168.100.10',
  );
  await nbctl('lsp-add', 'ls1', 'vm2', '--', 'lsp-set-addresses', 'vm2', '02:ac:10:ff:00:22 192.168.100.11');
  await nbctl('lr-add', 'lr1', '--', 'lrp-add', 'lr1', 'lr1-ls1', '02:ac:10:ff:00:01', '192.168.100.1/24');
  await nbctl(
    'lsp-add',
    'ls1',
    'ls1-lr1',
    '--',
    'lsp-set-type',
    'ls1-lr1',
    'router',
    '--',
    'lsp-set-addresses',
    'ls1-lr1',
    'router',
    '--',
    'lsp-set-options',
    'ls1-lr1',
    'router-port=lr1-ls1',
  );
  const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
  await hv.startRealController();
  await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
  await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
  await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=30', '--wait=hv', 'sync']);
  await new Promise((r) => setTimeout(r, 1000));
  console.log(await hv.ofctl('-O', 'OpenFlow15', '--no-stats', 'dump-flows', hv.mgmt()));
  console.log(await hv.ofctl('-O', 'OpenFlow15', 'dump-groups', hv.mgmt()));
  console.log(await hv.ofctl('-O', 'OpenFlow15', 'dump-tlv-map', hv.mgmt()));
  console.log(await hv.vsctl('list', 'Bridge', 'br-int'));
  console.log(await hv.vsctl('list', 'Open_vSwitch'));
  console.log(await hv.vsctl('list', 'Interface'));
  console.log(
    await sb.runOk('ovn-sbctl', [
      `--db=${sbdb.remotes.unix}`,
      'list',
      'Chassis',
      '--',
      'list',
      'Encap',
      '--',
      'list',
      'Chassis_Private',
      '--',
      'list',
      'Port_Binding',
      '--',
      'list',
      'Datapath_Binding',
    ]),
  );
} finally {
  await sb.stop();
}
