// @ovnts/openflow: the flow model, the ovs-ofctl text format, the OpenFlow 1.5 + Nicira codec and the switch connection.
export * from './model/fields.js';
export * from './model/match.js';
export * from './model/actions.js';
export * from './model/flow.js';
export { formatMatch, matchKey } from './text/format-match.js';
export { formatAction, formatActions, formatSubfield, formatFieldValue } from './text/format-actions.js';
export { formatFlow } from './text/format-flow.js';
export { formatGroup, formatMeter } from './text/format-group.js';
export { parseFlow, parseActions, parseSubfield, FlowSyntaxError } from './text/parse.js';
export { OfDecodeError, Reader, Writer } from './codec/buffer.js';
export {
  OFP15_VERSION,
  OFPT,
  NXT,
  FLOW_MOD_COMMANDS,
  type FlowModCommand,
  type BundleCtrlType,
} from './codec/constants.js';
export { OpenFlowError, errorName } from './codec/errors.js';
export { FrameSplitter } from './codec/frames.js';
export {
  encodeMessage,
  encodeMessageInto,
  decodeMessage,
  type OfMessage,
  type OfMessageType,
  type FlowStats,
  type PortDesc,
  type PacketIn2,
  type MultipartRequest,
  type MultipartReply,
} from './codec/messages.js';
export { encodeMatch, decodeMatch, type CodecOptions } from './codec/oxm.js';
export { encodeActions, decodeActionList, encodeInstructions, decodeInstructions } from './codec/actions.js';
export {
  SwitchConnection,
  ConnectionClosedError,
  TimeoutError,
  BundleError,
  type ConnectionOptions,
  type StreamedBundle,
} from './conn/connection.js';
export { planSync, planMessages, flowKey, type SyncPlan } from './conn/sync.js';
