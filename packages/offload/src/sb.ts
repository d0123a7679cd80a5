// The logical context the pass may use: SB rows as plain typed inputs (a subset of each row), and a decoder
// for `ovn-sbctl -f json list <Table>` / `ovs-vsctl -f json list <Table>` output.
import type {
  DatapathBinding,
  LoadBalancer,
  LogicalDPGroup,
  LogicalFlow,
  MACBinding,
  PortBinding,
  StaticMACBinding,
} from '@ovnts/schema/sb';
import { InputError } from './errors.js';

export type SbPortBinding = Pick<
  PortBinding,
  '_uuid' | 'logical_port' | 'tunnel_key' | 'datapath' | 'type' | 'mac' | 'options' | 'chassis'
>;
export type SbDatapathBinding = Pick<DatapathBinding, '_uuid' | 'tunnel_key' | 'external_ids'>;
export type SbLoadBalancer = Pick<
  LoadBalancer,
  '_uuid' | 'name' | 'vips' | 'protocol' | 'datapaths' | 'datapath_group'
>;
export type SbDpGroup = Pick<LogicalDPGroup, '_uuid' | 'datapaths'>;
export type SbLogicalFlow = Pick<
  LogicalFlow,
  '_uuid' | 'pipeline' | 'table_id' | 'priority' | 'match' | 'actions' | 'external_ids'
> &
  Partial<Pick<LogicalFlow, 'logical_datapath' | 'logical_dp_group'>>;
export type SbMacBinding = Pick<MACBinding | StaticMACBinding, 'logical_port' | 'ip' | 'mac'>;

export interface SbContext {
  readonly portBindings: readonly SbPortBinding[];
  readonly datapaths: readonly SbDatapathBinding[];
  readonly loadBalancers?: readonly SbLoadBalancer[];
  readonly dpGroups?: readonly SbDpGroup[];
  readonly logicalFlows?: readonly SbLogicalFlow[];
  readonly macBindings?: readonly SbMacBinding[];
}

/** SB tables the CLI reads, with the context key each fills. */
export const SB_TABLES = {
  Port_Binding: 'portBindings',
  Datapath_Binding: 'datapaths',
  Load_Balancer: 'loadBalancers',
  Logical_DP_Group: 'dpGroups',
  Logical_Flow: 'logicalFlows',
  Static_MAC_Binding: 'macBindings',
  MAC_Binding: 'macBindings',
} as const satisfies Record<string, keyof SbContext>;

/** Optional (0..1) columns: an empty set becomes null, one value the value. */
const OPTIONAL = new Set([
  'chassis',
  'protocol',
  'datapath_group',
  'logical_datapath',
  'logical_dp_group',
  'parent_port',
  'tag',
  'bond_mode',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function atom(v: Json): unknown {
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string') {
    const [tag, body] = v as [string, Json];
    if (tag === 'uuid' || tag === 'named-uuid') return body;
    if (tag === 'set') return (body as Json[]).map(atom);
    if (tag === 'map') return Object.fromEntries((body as [Json, Json][]).map(([k, x]) => [String(atom(k)), atom(x)]));
  }
  return v;
}

/** Rows of a `-f json list` output ({headings, data}); sets are arrays, maps objects, uuids strings. */
export function decodeListJson(text: string, table = 'table'): Record<string, unknown>[] {
  let doc: { headings?: string[]; data?: Json[][] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    throw new InputError(`${table}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(doc.headings) || !Array.isArray(doc.data))
    throw new InputError(`${table}: expected {"headings": [...], "data": [...]} from "-f json list"`);
  const heads = doc.headings;
  return doc.data.map((row) => {
    const out: Record<string, unknown> = {};
    heads.forEach((h, i) => {
      let v = atom(row[i] ?? null);
      // A set column holding one element prints as the bare atom.
      if (OPTIONAL.has(h)) v = Array.isArray(v) ? (v[0] ?? null) : v;
      out[h] = v;
    });
    return out;
  });
}

/** Columns that are sets: a single element prints as the bare atom, so wrap it back. */
const SET_COLUMNS = new Set(['mac', 'datapaths', 'interfaces', 'ports']);

export function normaliseRow(r: Record<string, unknown>): Record<string, unknown> {
  const out = { ...r };
  for (const k of SET_COLUMNS)
    if (k in out && !Array.isArray(out[k])) out[k] = out[k] === null || out[k] === undefined ? [] : [out[k]];
  return out;
}

/**
 * An SB context from a JSON document: `{ "<Table>": <ovn-sbctl -f json list output or row array>, … }`
 * with tables named as in SB_TABLES.
 */
export function sbContextFromJson(text: string): SbContext {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`SB JSON: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const ctx: Record<string, Record<string, unknown>[]> = {};
  for (const [table, key] of Object.entries(SB_TABLES)) {
    const v = doc[table];
    if (v === undefined) continue;
    const rows = Array.isArray(v) ? (v as Record<string, unknown>[]) : decodeListJson(JSON.stringify(v), table);
    ctx[key] = [...(ctx[key] ?? []), ...rows.map(normaliseRow)];
  }
  if (!ctx.portBindings || !ctx.datapaths)
    throw new InputError('SB JSON needs at least Port_Binding and Datapath_Binding');
  return ctx as unknown as SbContext;
}
