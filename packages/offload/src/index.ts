// @ovnts/offload: which OVN traffic a SmartNIC can take over, per NIC profile, and why not.
export * from './datapath.js';
export * from './errors.js';
export {
  PROFILES,
  PROFILE_IDS,
  getProfile,
  actionKey,
  actionRule,
  matchRule,
  type NicProfile,
  type ProfileId,
  type Rule,
  type Support,
  type Layer,
  SLOW_PATH_RULE,
} from './profiles.js';
export {
  judgePass,
  judgeScenario,
  judgeClass,
  reasonKey,
  type Verdict,
  type Finding,
  type Judgement,
  type ClassJudgement,
} from './judge.js';
export { parseTrace, parseOdpActions, megaflowTraits } from './odp-trace.js';
export { parseDump, parseGroup, type FlowDump } from './dump.js';
export {
  decodeListJson,
  sbContextFromJson,
  SB_TABLES,
  type SbContext,
  type SbPortBinding,
  type SbDatapathBinding,
  type SbLoadBalancer,
  type SbDpGroup,
  type SbLogicalFlow,
  type SbMacBinding,
} from './sb.js';
export { buildTopology, localPorts, type Topology, type LogicalPort, type LocalPort } from './topology.js';
export {
  buildClasses,
  traceFlow,
  CLASS_IDS,
  CLASS_TITLES,
  type ClassId,
  type TrafficClass,
  type Packet,
} from './classes.js';
export { checkEnvironment, ovsContextFromRows, type OvsContext, type EnvFinding } from './env.js';
export { FlowTables } from './xlate/tables.js';
export { PacketState } from './xlate/state.js';
export { translate, translateClass, type XlateOptions } from './xlate/xlate.js';
export {
  analyze,
  formatReportTable,
  formatReportJson,
  takeGreaterBranch,
  classPathFor,
  suggestFix,
  type AnalyzeInput,
  type OffloadReport,
  type ClassReport,
  type ClassVerdict,
  type ScenarioVerdict,
  type ProfileSummary,
  type TopologySketch,
  summarise,
  verdictDelta,
  verdictFor,
  type LflowRef,
} from './report.js';
export { runOffloadReport, USAGE, type OffloadIo, type ExecResult } from './cli.js';
export {
  whatIf,
  nbFromDump,
  parseNbSet,
  type NbSet,
  type WhatIfInput,
  type WhatIfNb,
  type WhatIfResult,
} from './whatif.js';
export { formatReportHtml, worstVerdict } from './html.js';
