// OpenFlow table numbering and register assignments of the OVN 23.03 controller, declared once.

/** OpenFlow tables used by the logical-flow translation. */
export const OFTABLE = {
  phyToLog: 0,
  /** Logical ingress table N is OpenFlow table ingress + N. */
  ingress: 8,
  /** Where ingress `output` goes: large-packet detection, then remote/local output. */
  outputInit: 37,
  outputLargePktProcess: 38,
  remoteOutput: 39,
  localOutput: 40,
  checkLoopback: 41,
  /** Logical egress table N is OpenFlow table egress + N. */
  egress: 42,
  /** Where egress `output` goes. */
  saveInport: 64,
  logToPhy: 65,
  macBinding: 66,
  macLookup: 67,
  chkLbHairpin: 68,
  chkLbHairpinReply: 69,
  ctSnatHairpin: 70,
  getFdb: 71,
  lookupFdb: 72,
  chkInPortSec: 73,
  chkInPortSecNd: 74,
  chkOutPortSec: 75,
  ecmpNhMac: 76,
  ecmpNh: 77,
  chkLbAffinity: 78,
} as const;

/** Register numbers (NXM reg0..15) with a fixed logical meaning. */
export const REG = {
  /** MLF_* flag bits (the `flags` symbol). */
  flags: 10,
  dnatZone: 11,
  snatZone: 12,
  ctZone: 13,
  inport: 14,
  outport: 15,
} as const;

/** OpenFlow `metadata` carries the logical datapath's tunnel key. */
export const DATAPATH_FIELD = 'metadata';

/** MLF_* bits in the flags register (only those actions set implicitly). */
export const MLF = {
  allowLoopback: 0,
  rcvFromRamp: 1,
  forceSnatForDnat: 2,
  forceSnatForLb: 3,
  localOnly: 4,
  nestedContainer: 5,
  lookupMac: 6,
  lookupLbHairpin: 7,
  lookupFdb: 8,
  skipSnatForLb: 9,
  localport: 10,
  useSnatZone: 11,
  checkPortSec: 12,
  lookupCommitEcmpNh: 13,
  useLbAffSession: 14,
} as const;

/** ct_mark / ct_label bits OVN defines. */
export const CT_BIT = { blocked: 0, natted: 1, lbSkipSnat: 2, lbForceSnat: 3 } as const;

export type Pipeline = 'ingress' | 'egress';

export function pipelineTable(pipeline: Pipeline, table: number): number {
  return (pipeline === 'ingress' ? OFTABLE.ingress : OFTABLE.egress) + table;
}

/** Logical tables per pipeline (ingress 8..36 fits before table 37). */
export const LOG_PIPELINE_LEN = OFTABLE.outputInit - OFTABLE.ingress;
