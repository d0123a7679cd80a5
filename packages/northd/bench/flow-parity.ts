// Flow parity at bench scale: the real ovn-northd and ovnts's compiler on the same generated NB (the
// northd bench's Kubernetes shape, ovn-kubernetes gateway routers included), every logical flow compared
// by content through `ovn-sbctl lflow-list` (the parity suites' normalisation). Prints the counts and the
// first differences; exits 1 when any flow is missing or extra.
//
//   npx vite-node --config vitest.config.ts packages/northd/bench/flow-parity.ts [NODESxPODS:VIPS:ACLS …]
// Env: BENCH_GATEWAYS=plain lays out the gateway routers without ovn-kubernetes' options.
import { Sandbox } from '@ovnts/test-harness/servers';
import { k8sNbOps } from '../src/testing/k8s-topology.js';
import { k8sStatefulOps } from '../src/testing/k8s-stateful.js';
import { formatFlowDiff, runParityCase } from '../src/testing/parity.js';
import { parseShape } from './shapes.js';

const ovnKubernetesGateways = process.env['BENCH_GATEWAYS'] !== 'plain';
const args = process.argv.slice(2);
let failed = false;
for (const shape of (args.length ? args : ['100x50:1000:5000']).map(parseShape)) {
  const sb = new Sandbox();
  try {
    const t0 = performance.now();
    const full = { ...shape, ovnKubernetesGateways };
    const r = await runParityCase(sb, {
      name: shape.label,
      nbOps: [...k8sNbOps(full), ...k8sStatefulOps(full)],
      nbctl: [],
      packets: [],
      waitTimeoutS: 600,
    });
    const diff = formatFlowDiff(`${shape.label}${ovnKubernetesGateways ? ' (ovn-kubernetes gateways)' : ''}`, r).split(
      '\n',
    );
    console.log(diff.slice(0, 41).join('\n') + (diff.length > 41 ? `\n  … ${diff.length - 41} more` : ''));
    console.log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s; diagnostics: ${r.compiled.diagnostics.length}`);
    if (r.missing.length || r.extra.length) failed = true;
  } finally {
    await sb.stop();
  }
}
process.exit(failed ? 1 : 0);
