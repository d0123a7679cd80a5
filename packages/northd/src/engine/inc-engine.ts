// The engine core is shared with ovnts-controller and lives in @ovnts/daemon.
export {
  IncEngine,
  type Handler,
  type InputData,
  type InputEdge,
  type NodeData,
  type NodeDecl,
  type NodeOutcome,
  type NodeStats,
} from '@ovnts/daemon';
