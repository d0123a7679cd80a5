// The action model: a discriminated union, one member per OVS action the controller emits. Instruction-level
// items (write_metadata, goto_table, clear_actions, write_actions) ride in the same list and must come last,
// which is also how ovs-ofctl prints them. "drop" is the empty list.
import { field, fieldBits, type FieldName } from './fields.js';
import type { Subfield } from './match.js';

/** Reserved OpenFlow 1.1+ port numbers. */
export const OFPP = {
  MAX: 0xffffff00,
  UNSET: 0xfffffff7,
  IN_PORT: 0xfffffff8,
  TABLE: 0xfffffff9,
  NORMAL: 0xfffffffa,
  FLOOD: 0xfffffffb,
  ALL: 0xfffffffc,
  CONTROLLER: 0xfffffffd,
  LOCAL: 0xfffffffe,
  ANY: 0xffffffff,
} as const;

/** Reasons a controller action / packet-in can carry. */
export type PacketInReason = 'no_match' | 'action' | 'invalid_ttl' | 'action_set' | 'group' | 'packet_out';

export interface OutputAction {
  readonly type: 'output';
  readonly port: number;
  readonly maxLen?: number;
}
export interface OutputRegAction {
  readonly type: 'output_reg';
  readonly src: Subfield;
  readonly maxLen?: number;
}
export interface GroupAction {
  readonly type: 'group';
  readonly groupId: number;
}
export interface SetFieldAction {
  readonly type: 'set_field';
  readonly field: FieldName;
  readonly value: bigint;
  readonly mask?: bigint;
}
export interface MoveAction {
  readonly type: 'move';
  readonly src: Subfield;
  readonly dst: Subfield;
}
export interface StackAction {
  readonly type: 'push' | 'pop';
  readonly field: Subfield;
}
export interface ResubmitAction {
  readonly type: 'resubmit';
  /** Absent = the packet's in_port (OFPP_IN_PORT). */
  readonly port?: number;
  /** Absent = the current table. */
  readonly table?: number;
  /** Resubmit with the conntrack original-direction tuple (resubmit(…,ct)). */
  readonly ct?: boolean;
}

export interface NatRange {
  readonly kind: 'src' | 'dst';
  /** IPv4 addresses as 4-byte bigints, IPv6 as 16-byte; `ipv6` tells which. */
  readonly ipMin?: bigint;
  readonly ipMax?: bigint;
  readonly ipv6?: boolean;
  readonly portMin?: number;
  readonly portMax?: number;
  readonly persistent?: boolean;
  readonly hash?: boolean;
  readonly random?: boolean;
}

/** `nat` with no kind = "do the NAT the connection already has" (ct(nat)). */
export type CtNat = NatRange | { readonly kind?: undefined };

export interface CtAction {
  readonly type: 'ct';
  readonly commit?: boolean;
  readonly force?: boolean;
  /** Immediate zone or a 16-bit subfield to read it from. */
  readonly zone?: number | Subfield;
  /** Recirculate into this table after conntrack. */
  readonly table?: number;
  readonly alg?: number;
  readonly nat?: CtNat;
  /** Only set_field on ct_mark / ct_label. */
  readonly exec?: readonly Action[];
}

export interface ControllerAction {
  readonly type: 'controller';
  readonly maxLen?: number;
  readonly reason?: PacketInReason;
  readonly controllerId?: number;
  readonly userdata?: Uint8Array;
  readonly pause?: boolean;
  readonly meterId?: number;
}

export type LearnSource = { readonly src: Subfield } | { readonly value: bigint };
export type LearnSpec =
  | ({ readonly type: 'match'; readonly dst: Subfield } & LearnSource)
  | ({ readonly type: 'load'; readonly dst: Subfield } & LearnSource)
  | { readonly type: 'output'; readonly src: Subfield };

export interface LearnAction {
  readonly type: 'learn';
  readonly table: number;
  readonly priority?: number;
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly finIdleTimeout?: number;
  readonly finHardTimeout?: number;
  readonly cookie?: bigint;
  readonly sendFlowRem?: boolean;
  readonly deleteLearned?: boolean;
  readonly specs: readonly LearnSpec[];
}

export interface ConjunctionAction {
  readonly type: 'conjunction';
  readonly id: number;
  readonly clause: number;
  readonly nClauses: number;
}
export interface CloneAction {
  readonly type: 'clone';
  readonly actions: readonly Action[];
}
export interface DecTtlAction {
  readonly type: 'dec_ttl';
  readonly controllerIds?: readonly number[];
}
export interface PushVlanAction {
  readonly type: 'push_vlan';
  readonly ethertype: number;
}
export interface PopVlanAction {
  readonly type: 'pop_vlan';
}
export interface NoteAction {
  readonly type: 'note';
  readonly data: Uint8Array;
}
export interface CheckPktLargerAction {
  readonly type: 'check_pkt_larger';
  readonly len: number;
  readonly dst: Subfield;
}
export interface MeterAction {
  readonly type: 'meter';
  readonly meterId: number;
}
export interface CtClearAction {
  readonly type: 'ct_clear';
}
export interface ExitAction {
  readonly type: 'exit';
}
export interface SampleAction {
  readonly type: 'sample';
  readonly probability: number;
  readonly collectorSetId: number;
  readonly obsDomainId: number;
  readonly obsPointId: number;
}
/** The flow fields a bundle hashes (NX_HASH_FIELDS_*, in wire order; the index is the wire value). */
export const BUNDLE_FIELDS = [
  'eth_src',
  'symmetric_l4',
  'symmetric_l3l4',
  'symmetric_l3l4+udp',
  'nw_src',
  'nw_dst',
  'symmetric_l3',
] as const;
export type BundleFields = (typeof BUNDLE_FIELDS)[number];
/** NX_BD_ALG_*: the index is the wire value. */
export const BUNDLE_ALGORITHMS = ['active_backup', 'hrw'] as const;
export type BundleAlgorithm = (typeof BUNDLE_ALGORITHMS)[number];

/**
 * Nicira `bundle`: output to one of `members` (OpenFlow ports) chosen by the switch at packet time.
 * active_backup takes the first member that is live (carrier up and, where BFD/CFM runs on it, the session
 * up), so traffic fails over with no controller round; hrw hashes `fields` with `basis` over the live ones.
 */
export interface BundleAction {
  readonly type: 'bundle';
  readonly algorithm: BundleAlgorithm;
  readonly fields: BundleFields;
  readonly basis: number;
  readonly members: readonly number[];
}
export interface WriteMetadataInstruction {
  readonly type: 'write_metadata';
  readonly value: bigint;
  readonly mask?: bigint;
}
export interface GotoTableInstruction {
  readonly type: 'goto_table';
  readonly table: number;
}
export interface ClearActionsInstruction {
  readonly type: 'clear_actions';
}
export interface WriteActionsInstruction {
  readonly type: 'write_actions';
  readonly actions: readonly Action[];
}

export type Action =
  | OutputAction
  | OutputRegAction
  | GroupAction
  | SetFieldAction
  | MoveAction
  | StackAction
  | ResubmitAction
  | CtAction
  | CtClearAction
  | ControllerAction
  | LearnAction
  | ConjunctionAction
  | CloneAction
  | DecTtlAction
  | PushVlanAction
  | PopVlanAction
  | NoteAction
  | CheckPktLargerAction
  | MeterAction
  | ExitAction
  | SampleAction
  | BundleAction
  | WriteMetadataInstruction
  | GotoTableInstruction
  | ClearActionsInstruction
  | WriteActionsInstruction;

export type ActionType = Action['type'];

/** Instruction-level items; they follow the apply-actions list. */
export const INSTRUCTION_TYPES: ReadonlySet<ActionType> = new Set([
  'clear_actions',
  'write_actions',
  'write_metadata',
  'goto_table',
]);

/** `load:value->dst[start..end]` expressed the way OVS 3.x keeps it: a masked set_field. */
export function load(dst: Subfield, value: bigint | number): SetFieldAction {
  const v = BigInt(value);
  if (dst.start === 0 && dst.nBits === fieldBits(field(dst.field)))
    return { type: 'set_field', field: dst.field, value: v };
  const maskBits = ((1n << BigInt(dst.nBits)) - 1n) << BigInt(dst.start);
  return { type: 'set_field', field: dst.field, value: v << BigInt(dst.start), mask: maskBits };
}
