// @ovnts/openflow: the flow model, the ovs-ofctl text format, the OpenFlow 1.5 + Nicira codec and the switch connection.
export * from './model/fields.js';
export * from './model/match.js';
export * from './model/actions.js';
export * from './model/flow.js';
export { formatMatch } from './text/format-match.js';
export { formatAction, formatActions, formatSubfield, formatFieldValue } from './text/format-actions.js';
export { formatFlow } from './text/format-flow.js';
export { parseFlow, parseActions, parseSubfield, FlowSyntaxError } from './text/parse.js';
