// The acceptance oracle: given what the real stack produced (SB tables as ovn-sbctl JSON, the real
// ovn-controller's OpenFlow flows and groups), compile every logical flow of every local datapath with
// @ovnts/expr and compare, per (logical flow, datapath), the set of OpenFlow flows. Both sides are
// rendered through the same @ovnts/openflow formatter; conjunction ids are made relative and group ids
// are replaced by the group's contents, so only real differences remain.
import { type Action, type Flow, type Group, formatActions, formatFlow, parseFlow } from '@ovnts/openflow';
import { Compiler, type DatapathContext, type LogicalFlow } from '../src/index.js';
import { asSet, type Row, sbRows } from './sb-json.js';

export interface OracleInput {
  /** `ovn-sbctl -f json list T` output per table name. */
  readonly tables: Readonly<Record<string, string>>;
  /** `ovs-ofctl -O OpenFlow15 --no-stats dump-flows` output. */
  readonly flows: string;
  /** `ovs-ofctl -O OpenFlow15 dump-groups` output. */
  readonly groups: string;
  /** `ovs-ofctl -O OpenFlow15 dump-meters` output (to compare set_meter meters by contents). */
  readonly meters?: string;
  /** Chassis name (system-id) of the hypervisor the flows came from. */
  readonly chassis: string;
}

export interface OracleReport {
  readonly lflows: number;
  /** (logical flow, local datapath) pairs compared. */
  readonly pairs: number;
  readonly exact: number;
  readonly compileErrors: { match: string; actions: string; error: string }[];
  readonly mismatches: { lflow: string; dp: number; expected: string[]; actual: string[] }[];
  /** OpenFlow flows compared on the real side (sum over pairs). */
  readonly realFlows: number;
  /** Pairs where the real controller installed nothing and so did we (e.g. non-local ports). */
  readonly emptyPairs: number;
}

const PIPELINE_TABLES = (t: number) => (t >= 8 && t < 37) || (t >= 42 && t < 64);

/** ovs-ofctl's group text minus the id, e.g. `type=select,selection_method=dp_hash,bucket=…`. */
function groupText(g: Omit<Group, 'groupId'>): string {
  let s = `type=${g.type}`;
  if (g.selectionMethod) s += `,selection_method=${g.selectionMethod}`;
  if (g.selectionMethodParam) s += `,selection_method_param=${g.selectionMethodParam}`;
  if (g.fields?.length) s += `,fields(${g.fields.join(',')})`;
  for (const [i, b] of g.buckets.entries())
    s += `,bucket=bucket_id:${b.bucketId ?? i},weight:${b.weight ?? 100},actions=${formatActions(b.actions)}`;
  return s;
}

/** Replaces conjunction/conj_id numbers by their rank within the given set, group ids by contents. */
function canonical(flows: Flow[], groupById: (id: number) => string, meterById: (id: number) => string): string[] {
  const ids = new Set<number>();
  for (const f of flows) {
    for (const e of f.match) if (e.field === 'conj_id') ids.add(Number(e.value));
    for (const a of f.actions) if (a.type === 'conjunction') ids.add(a.id);
  }
  const rank = new Map([...ids].sort((a, b) => a - b).map((id, i) => [id, i + 1]));
  const fixActions = (as: readonly Action[]): Action[] =>
    as.map((a) =>
      a.type === 'conjunction'
        ? { ...a, id: rank.get(a.id)! }
        : a.type === 'clone'
          ? { ...a, actions: fixActions(a.actions) }
          : a,
    );
  return flows
    .map((f) => {
      const g: Flow = {
        ...f,
        cookie: 0n,
        match: f.match.map((e) => (e.field === 'conj_id' ? { ...e, value: BigInt(rank.get(Number(e.value))!) } : e)),
        actions: fixActions(f.actions),
      };
      return formatFlow(g)
        .replace(/group:(\d+)/g, (_, id: string) => `group:{${groupById(Number(id))}}`)
        .replace(/meter:(\d+)/g, (_, id: string) => `meter:{${meterById(Number(id))}}`);
    })
    .sort();
}

/** One logical flow and the local datapaths it applies to. */
export interface LocalFlow {
  readonly flow: LogicalFlow;
  readonly dps: readonly { readonly uuid: string; readonly key: number }[];
}

/** The SB as the controller of one chassis sees it: local logical flows and per-datapath contexts. */
export interface SbView {
  readonly lflows: number;
  readonly local: LocalFlow[];
  /** The context of a datapath (cached); group ids and conjunction ids are shared across datapaths. */
  context(dpUuid: string): DatapathContext;
  groupText(id: number): string | undefined;
  /** Description of a meter this view allocated for set_meter. */
  meterText(id: number): string | undefined;
}

/** Builds the chassis view of a southbound snapshot given as `ovn-sbctl -f json list` texts. */
export function sbView(tables: Readonly<Record<string, string>>, chassisName: string): SbView {
  const t = (name: string): Row[] => sbRows(tables[name] ?? '{"headings":[],"data":[]}');
  const chassis = t('Chassis').find((c) => c['name'] === chassisName);
  const dps = new Map(t('Datapath_Binding').map((d) => [d._uuid, d]));
  const pbs = t('Port_Binding');
  const mcs = t('Multicast_Group');
  const dpGroups = new Map(t('Logical_DP_Group').map((g) => [g._uuid, asSet<string>(g['datapaths'])]));
  const addrSets = new Map(t('Address_Set').map((r) => [r['name'] as string, asSet<string>(r['addresses'])]));
  const portGroups = new Map(t('Port_Group').map((r) => [r['name'] as string, asSet<string>(r['ports'])]));
  const meters = new Map(t('Meter').map((r, i) => [r['name'] as string, i + 1]));
  const dhcp = new Map(
    t('DHCP_Options').map((r) => [r['name'] as string, { code: r['code'] as number, type: r['type'] as string }]),
  );
  const dhcp6 = new Map(
    t('DHCPv6_Options').map((r) => [r['name'] as string, { code: r['code'] as number, type: r['type'] as string }]),
  );
  const pbByName = new Map(pbs.map((p) => [p['logical_port'] as string, p]));
  const local = (p: Row) => chassis !== undefined && p['chassis'] === chassis._uuid;

  // Local datapaths: those with a port bound here, plus everything reachable over patch ports.
  const localDps = new Set<string>();
  const todo = pbs.filter(local).map((p) => p['datapath'] as string);
  while (todo.length) {
    const d = todo.pop()!;
    if (localDps.has(d)) continue;
    localDps.add(d);
    for (const p of pbs)
      if (p['datapath'] === d && p['type'] === 'patch') {
        const peer = pbByName.get((p['options'] as Record<string, string>)['peer'] ?? '');
        if (peer) todo.push(peer['datapath'] as string);
      }
  }
  const relatedPbs = pbs.filter(
    (p) => local(p) || ['patch', 'localport', 'localnet', 'l3gateway'].includes(p['type'] as string),
  );
  const related = new Set(relatedPbs.map((p) => `${p['datapath']}_${p['tunnel_key']}`));
  // Like ovn-controller, port groups only contain the ports related to this chassis.
  const relatedNames = new Set(relatedPbs.map((p) => p['logical_port'] as string));
  for (const [name, ports] of portGroups)
    portGroups.set(
      name,
      ports.filter((p) => relatedNames.has(p)),
    );

  const myGroups = new Map<number, string>();
  const groupIds = new Map<string, number>();
  const myMeters = new Map<number, string>();
  const meterIds = new Map<string, number>();
  let nextConj = 1;
  const contexts = new Map<string, DatapathContext>();
  const groupId = (g: Parameters<DatapathContext['groupId']>[0]) => {
    const text = groupText(g);
    let id = groupIds.get(text);
    if (id === undefined) {
      id = groupIds.size + 1;
      groupIds.set(text, id);
      myGroups.set(id, text);
    }
    return id;
  };
  const allocConjIds = (n: number) => {
    const first = nextConj;
    nextConj += n;
    return first;
  };
  const context = (dpUuid: string): DatapathContext => {
    let base = contexts.get(dpUuid);
    if (!base) {
      const dpRow = dps.get(dpUuid)!;
      const ext = dpRow['external_ids'] as Record<string, string>;
      const portKeys = new Map<string, number>();
      for (const p of pbs)
        if (p['datapath'] === dpUuid) portKeys.set(p['logical_port'] as string, p['tunnel_key'] as number);
      for (const m of mcs)
        if (m['datapath'] === dpUuid && !portKeys.has(m['name'] as string))
          portKeys.set(m['name'] as string, m['tunnel_key'] as number);
      base = {
        dpKey: dpRow['tunnel_key'] as number,
        isSwitch: ext['logical-switch'] !== undefined,
        lookupPort: (name) => portKeys.get(name),
        isChassisResident: (name) => {
          const p = pbByName.get(name);
          return p !== undefined && local(p);
        },
        isPortRelated: (key) => related.has(`${dpUuid}_${key}`),
        addressSet: (n) => addrSets.get(n),
        portGroup: (n) => portGroups.get(n),
        meterId: (n) => {
          // Per-flow set_meter meters are named by their description; compare them by that, minus the UUID.
          const m = /^__string: uuid \S* (.*)$/.exec(n);
          if (!m) return meters.get(n);
          let id = meterIds.get(m[1]!);
          if (id === undefined) {
            id = 1000 + meterIds.size;
            meterIds.set(m[1]!, id);
            myMeters.set(id, m[1]!);
          }
          return id;
        },
        ...(ext['snat-ct-zone'] !== undefined ? { snatCtZone: true } : {}),
        dhcpOptions: dhcp,
        dhcpv6Options: dhcp6,
        groupId,
        allocConjIds,
      };
      contexts.set(dpUuid, base);
    }
    return base;
  };

  const lflowRows = t('Logical_Flow');
  const localFlows: LocalFlow[] = [];
  for (const lf of lflowRows) {
    const dpList = asSet<string>(lf['logical_datapath']).length
      ? asSet<string>(lf['logical_datapath'])
      : (dpGroups.get(asSet<string>(lf['logical_dp_group'])[0] ?? '') ?? []);
    const locals = dpList
      .filter((d) => localDps.has(d) && dps.has(d))
      .map((d) => ({ uuid: d, key: dps.get(d)!['tunnel_key'] as number }));
    if (!locals.length) continue;
    const meter = asSet<string>(lf['controller_meter'])[0];
    localFlows.push({
      flow: {
        uuid: lf._uuid,
        pipeline: lf['pipeline'] as 'ingress' | 'egress',
        table: lf['table_id'] as number,
        priority: lf['priority'] as number,
        match: lf['match'] as string,
        actions: lf['actions'] as string,
        ...(meter ? { controllerMeter: meter } : {}),
      },
      dps: locals,
    });
  }
  return {
    lflows: lflowRows.length,
    local: localFlows,
    context,
    groupText: (id) => myGroups.get(id),
    meterText: (id) => myMeters.get(id),
  };
}

export function runOracle(input: OracleInput, compiler = new Compiler()): OracleReport {
  const view = sbView(input.tables, input.chassis);
  // Real flows, grouped by cookie; conjunction clause flows (cookie 0) follow their conj_id flow's cookie.
  const realGroups = new Map<number, string>();
  for (const line of input.groups.split('\n')) {
    const m = /group_id=(\d+),(.*)$/.exec(line.trim());
    if (m) realGroups.set(Number(m[1]), m[2]!);
  }
  // dump-meters prints "meter=N <flags> bands=" and the band on the next line.
  const realMeters = new Map<number, string>();
  for (const m of (input.meters ?? '').replace(/bands=\s*\n/g, 'bands=').matchAll(/meter=(\d+) (.*)/g))
    realMeters.set(Number(m[1]), m[2]!.trim());
  const real: Flow[] = [];
  for (const line of input.flows.split('\n')) {
    if (!line.includes('actions=')) continue;
    try {
      real.push(parseFlow(line));
    } catch {
      // Lines the parser does not know are outside the logical pipeline in practice.
    }
  }
  const conjOwner = new Map<string, bigint>();
  for (const f of real) {
    const cid = f.match.find((e) => e.field === 'conj_id');
    const md = f.match.find((e) => e.field === 'metadata');
    if (cid && f.cookie) conjOwner.set(`${md?.value}/${cid.value}`, f.cookie);
  }
  const realByKey = new Map<string, Flow[]>();
  const addReal = (cookie: bigint, f: Flow) => {
    const md = f.match.find((e) => e.field === 'metadata')?.value ?? 0n;
    const key = `${cookie}/${md}`;
    const l = realByKey.get(key) ?? [];
    l.push(f);
    realByKey.set(key, l);
  };
  for (const f of real) {
    if (!PIPELINE_TABLES(f.table)) continue;
    if (f.cookie) {
      addReal(f.cookie, f);
      continue;
    }
    const md = f.match.find((e) => e.field === 'metadata')?.value;
    for (const a of f.actions) {
      if (a.type !== 'conjunction') continue;
      const owner = conjOwner.get(`${md}/${a.id}`);
      if (owner !== undefined) addReal(owner, { ...f, actions: [a] });
    }
  }

  const report: OracleReport = {
    lflows: view.lflows,
    pairs: 0,
    exact: 0,
    compileErrors: [],
    mismatches: [],
    realFlows: 0,
    emptyPairs: 0,
  };
  for (const { flow, dps } of view.local) {
    for (const dp of dps) {
      const r = compiler.compile(flow, view.context(dp.uuid));
      if (!r.ok) {
        report.compileErrors.push({ match: flow.match, actions: flow.actions, error: r.error.describe() });
        continue;
      }
      (report as { pairs: number }).pairs++;
      const cookie = BigInt('0x' + flow.uuid.slice(0, 8));
      const expected = canonical(
        realByKey.get(`${cookie}/${dp.key}`) ?? [],
        (id) => realGroups.get(id) ?? `?${id}`,
        (id) => realMeters.get(id) ?? `?${id}`,
      );
      const actual = canonical(
        r.value,
        (id) => view.groupText(id) ?? `?${id}`,
        (id) => view.meterText(id) ?? `?${id}`,
      );
      (report as { realFlows: number }).realFlows += expected.length;
      if (!expected.length && !actual.length) (report as { emptyPairs: number }).emptyPairs++;
      if (expected.length === actual.length && expected.every((x, i) => x === actual[i]))
        (report as { exact: number }).exact++;
      else
        report.mismatches.push({
          lflow: `${flow.pipeline} ${flow.table} ${flow.priority} ${flow.match} => ${flow.actions}`,
          dp: dp.key,
          expected,
          actual,
        });
    }
  }
  return report;
}
