// Reading `ovs-ofctl dump-flows` and `dump-groups` text (with or without stats, any OpenFlow version header)
// into the openflow model. One file may hold both; unparsable lines are errors with their line number.
import { parseActions, parseFlow, type Bucket, type Flow, type Group, type GroupType } from '@ovnts/openflow';
import { DumpParseError } from './errors.js';
import { splitTop } from './odp-trace.js';

export interface FlowDump {
  readonly flows: readonly Flow[];
  readonly groups: readonly Group[];
}

/** Header/reply lines ovs-ofctl prints around the entries. */
const NOISE = /^(OFPST_|NXST_|OFPT_|NXT_|OFPST_GROUP|\s*$)/;

export function parseDump(text: string, source = 'flow dump'): FlowDump {
  const flows: Flow[] = [];
  const groups: Group[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (NOISE.test(line) || line.startsWith('#')) return;
    try {
      if (line.startsWith('group_id=')) groups.push(parseGroup(line));
      else if (line.includes('actions=')) flows.push(parseFlow(normaliseOf10(line)));
      else throw new Error('neither a flow (no "actions=") nor a group');
    } catch (e) {
      throw new DumpParseError(i + 1, e instanceof Error ? e.message : String(e), source);
    }
  });
  if (flows.length === 0 && groups.length === 0) throw new DumpParseError(1, 'no flows found', source);
  return { flows, groups };
}

/**
 * OpenFlow 1.0 dumps (`ovs-ofctl dump-flows` without -O) spell some rewrites as mod_* actions; read them as
 * the set_field they are, so either dump works.
 */
const OF10_ACTIONS: readonly [RegExp, string][] = [
  [/\bmod_dl_src:([0-9a-f:]+)/gi, 'set_field:$1->eth_src'],
  [/\bmod_dl_dst:([0-9a-f:]+)/gi, 'set_field:$1->eth_dst'],
  [/\bmod_nw_src:([\d.]+)/g, 'set_field:$1->ip_src'],
  [/\bmod_nw_dst:([\d.]+)/g, 'set_field:$1->ip_dst'],
  [/\bmod_tp_src:(\d+)/g, 'set_field:$1->tp_src'],
  [/\bmod_tp_dst:(\d+)/g, 'set_field:$1->tp_dst'],
  [/\bmod_vlan_vid:(\d+)/g, 'set_field:$1->vlan_vid'],
];

export function normaliseOf10(line: string): string {
  const i = line.indexOf('actions=');
  if (i < 0 || !line.includes('mod_')) return line;
  let acts = line.slice(i);
  for (const [re, to] of OF10_ACTIONS) acts = acts.replace(re, to);
  return line.slice(0, i) + acts;
}

const GROUP_TYPES: readonly GroupType[] = ['all', 'select', 'indirect', 'ff'];

/** One `dump-groups` entry. */
export function parseGroup(line: string): Group {
  const toks = splitTop(line);
  let groupId: number | undefined;
  let type: GroupType | undefined;
  let selectionMethod: 'dp_hash' | 'hash' | undefined;
  const buckets: Bucket[] = [];
  let i = 0;
  while (i < toks.length) {
    const t = toks[i]!;
    if (t.startsWith('group_id=')) groupId = Number(t.slice(9));
    else if (t.startsWith('type=')) {
      const ty = t.slice(5) as GroupType;
      if (!GROUP_TYPES.includes(ty)) throw new Error(`bad group type ${ty}`);
      type = ty;
    } else if (t.startsWith('selection_method=')) {
      const m = t.slice(17);
      if (m === 'dp_hash' || m === 'hash') selectionMethod = m;
    } else if (t.startsWith('bucket=')) {
      // bucket=bucket_id:N,weight:W,…,actions=a,b,c — the actions run up to the next bucket.
      const props: string[] = [t.slice(7)];
      i++;
      while (i < toks.length && !toks[i]!.startsWith('actions=') && !toks[i]!.startsWith('bucket='))
        props.push(toks[i++]!);
      const acts: string[] = [];
      if (i < toks.length && toks[i]!.startsWith('actions=')) {
        acts.push(toks[i]!.slice(8));
        i++;
        while (i < toks.length && !toks[i]!.startsWith('bucket=')) acts.push(toks[i++]!);
      }
      const prop = (k: string) =>
        props.map((p) => new RegExp(`^${k}[:=](\\d+)$`).exec(p)?.[1]).find((v) => v !== undefined);
      const id = prop('bucket_id');
      const w = prop('weight');
      buckets.push({
        actions: parseActions(acts.join(',') || 'drop'),
        ...(id !== undefined ? { bucketId: Number(id) } : {}),
        ...(w !== undefined ? { weight: Number(w) } : {}),
      });
      continue;
    }
    i++;
  }
  if (groupId === undefined || Number.isNaN(groupId)) throw new Error('group without group_id');
  if (!type) throw new Error('group without type');
  return { groupId, type, buckets, ...(selectionMethod ? { selectionMethod } : {}) };
}
