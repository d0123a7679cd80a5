// @ovnts/northd/testing: what the cross-package tests (test/) use to run ovnts-northd beside the real one and
// compare them. Test support only; the product API is the package index.
export { startOvntsNorthd } from './daemon.js';
export {
  formatFlowDiff,
  runParityCase,
  trace,
  portGroupSummary,
  type IgmpGroupSpec,
  type ParityCase,
  type ParityResult,
  type TracePacket,
} from './parity.js';
export { bindingSummary, loadSb, normaliseLflowList, readNb, readSb, type Runner } from './lab.js';
export { sbLeftToWrite } from './sb-check.js';
export { k8sNbOps, nodeExternalIp, type K8sShape } from './k8s-topology.js';
export { k8sStatefulOps, loadK8sNb, type K8sStatefulShape } from './k8s-stateful.js';
export * as packets from './packets.js';
export {
  EDIT_KINDS,
  k8sMemNb,
  makeRng,
  type Rng,
  k8sMemNbOps,
  randomNbEdit,
  SMALL_K8S_SHAPE,
  type NbEdit,
} from './random-nb-changes.js';
export { NbMirror, withMemNbUuids } from './nb-mirror.js';
export { MemNb } from './mem-nb.js';
