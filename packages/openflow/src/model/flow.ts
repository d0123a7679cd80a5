// Flows, groups and meters as the controller wants to see them; the codec and text format translate.
import type { Action } from './actions.js';
import type { Match } from './match.js';

export type FlowModFlag = 'send_flow_rem' | 'check_overlap' | 'reset_counts' | 'no_packet_counts' | 'no_byte_counts';

export interface Flow {
  readonly table: number;
  /** 0..65535; OVS's default is 32768. */
  readonly priority: number;
  readonly cookie?: bigint;
  readonly match: Match;
  /** Empty = drop. Instruction-like actions (write_metadata, goto_table, …) come last, as ovs-ofctl prints them. */
  readonly actions: readonly import('./actions.js').Action[];
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly importance?: number;
  readonly flags?: readonly FlowModFlag[];
}

export const DEFAULT_PRIORITY = 32768;

export type GroupType = 'all' | 'select' | 'indirect' | 'ff';

export interface Bucket {
  /** OF1.5 bucket id; defaults to the index. */
  readonly bucketId?: number;
  /** select groups. */
  readonly weight?: number;
  /** fast-failover groups. */
  readonly watchPort?: number;
  readonly watchGroup?: number;
  readonly actions: readonly Action[];
}

export interface Group {
  readonly groupId: number;
  readonly type: GroupType;
  readonly buckets: readonly Bucket[];
  /** OVS selection-method property for select groups. */
  readonly selectionMethod?: 'dp_hash' | 'hash';
  readonly selectionMethodParam?: bigint;
  /** Fields hashed by selection_method=hash. */
  readonly fields?: readonly import('./fields.js').FieldName[];
}

export type MeterFlag = 'kbps' | 'pktps' | 'burst' | 'stats';

export interface MeterBand {
  readonly type: 'drop';
  readonly rate: number;
  readonly burstSize?: number;
}

export interface Meter {
  readonly meterId: number;
  readonly flags: readonly MeterFlag[];
  readonly bands: readonly MeterBand[];
}

/** A Geneve option mapped onto a tun_metadata field (NXT_TLV_TABLE_MOD). */
export interface TlvMapping {
  readonly optClass: number;
  readonly optType: number;
  readonly optLen: number;
  /** N in tun_metadataN. */
  readonly index: number;
}
