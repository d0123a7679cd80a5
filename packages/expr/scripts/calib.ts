import { Sandbox } from '../../../test/harness/src/sandbox.js';
import { buildScaleTopology } from './topology.js';
const sb = new Sandbox();
try {
  const t0 = Date.now();
  const lab = await buildScaleTopology(sb, { switches: Number(process.argv[2] ?? 10), portsPerSwitch: Number(process.argv[3] ?? 10) });
  const n = await sb.runOk('ovn-sbctl', [`--db=${lab.sbdb.remotes.unix}`, '--bare', '--columns=_uuid', 'list', 'Logical_Flow']);
  const flows = await lab.hv.ofctl('dump-aggregate', lab.hv.mgmt());
  console.log('lflows', n.split('\n').filter(Boolean).length, 'seconds', (Date.now() - t0) / 1000, flows.trim());
} finally {
  await sb.stop();
}
