// OpenFlow 1.5 message numbers and the Nicira vendor-message subtypes we speak.
export const OFP15_VERSION = 0x06;

export const OFPT = {
  HELLO: 0,
  ERROR: 1,
  ECHO_REQUEST: 2,
  ECHO_REPLY: 3,
  EXPERIMENTER: 4,
  FEATURES_REQUEST: 5,
  FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7,
  GET_CONFIG_REPLY: 8,
  SET_CONFIG: 9,
  PACKET_IN: 10,
  FLOW_REMOVED: 11,
  PORT_STATUS: 12,
  PACKET_OUT: 13,
  FLOW_MOD: 14,
  GROUP_MOD: 15,
  PORT_MOD: 16,
  TABLE_MOD: 17,
  MULTIPART_REQUEST: 18,
  MULTIPART_REPLY: 19,
  BARRIER_REQUEST: 20,
  BARRIER_REPLY: 21,
  ROLE_REQUEST: 24,
  ROLE_REPLY: 25,
  METER_MOD: 29,
  ROLE_STATUS: 30,
  BUNDLE_CONTROL: 33,
  BUNDLE_ADD_MESSAGE: 34,
} as const;

export const NXT = {
  SET_PACKET_IN_FORMAT: 16,
  SET_CONTROLLER_ID: 20,
  TLV_TABLE_MOD: 24,
  TLV_TABLE_REQUEST: 25,
  TLV_TABLE_REPLY: 26,
  RESUME: 28,
  PACKET_IN2: 30,
} as const;

export const OFPMP = {
  FLOW_DESC: 1,
  PORT_STATS: 4,
  GROUP_DESC: 7,
  METER_DESC: 10,
  TABLE_FEATURES: 12,
  PORT_DESC: 13,
} as const;

export const FLOW_MOD_COMMANDS = ['add', 'modify', 'modify_strict', 'delete', 'delete_strict'] as const;
export type FlowModCommand = (typeof FLOW_MOD_COMMANDS)[number];

export const BUNDLE_CTRL_TYPES = [
  'open_request',
  'open_reply',
  'close_request',
  'close_reply',
  'commit_request',
  'commit_reply',
  'discard_request',
  'discard_reply',
] as const;
export type BundleCtrlType = (typeof BUNDLE_CTRL_TYPES)[number];

export const OFPG = { ALL: 0xfffffffc, ANY: 0xffffffff } as const;
export const NO_BUFFER = 0xffffffff;
