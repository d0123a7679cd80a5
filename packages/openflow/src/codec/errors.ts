// Switch-reported errors: decoded (type, code) → the OVS name, and a typed Error that carries the xid.
import { NX_EXP, ONF_EXP } from '../model/fields.js';
import { NX_ERRORS, ONF_ERRORS, STANDARD_ERRORS } from './error-names.js';

const std = new Map(STANDARD_ERRORS.map(([t, c, n]) => [`${t}:${c}`, n]));
const nx = new Map(NX_ERRORS.map(([c, n]) => [c, n]));
const onf = new Map(ONF_ERRORS.map(([c, n]) => [c, n]));

export const OFPET_EXPERIMENTER = 0xffff;

/** The OVS name of an error, e.g. OFPBRC_BAD_TABLE_ID, or a numeric fallback. */
export function errorName(type: number, code: number, experimenter?: number): string {
  if (type === OFPET_EXPERIMENTER) {
    const n = experimenter === NX_EXP ? nx.get(code) : experimenter === ONF_EXP ? onf.get(code) : undefined;
    return n ?? `EXPERIMENTER(0x${(experimenter ?? 0).toString(16)},${code})`;
  }
  return std.get(`${type}:${code}`) ?? `OFPET(${type},${code})`;
}

/** An OFPT_ERROR from the switch, in answer to the request with `xid`. */
export class OpenFlowError extends Error {
  override readonly name = 'OpenFlowError';
  constructor(
    readonly errorName: string,
    readonly xid: number,
    readonly errType: number,
    readonly code: number,
    /** The start of the offending request, as the switch echoed it. */
    readonly data: Buffer,
  ) {
    super(`switch rejected xid ${xid}: ${errorName}`);
  }
}
