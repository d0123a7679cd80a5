// The parity case runner shared by the parity suites: one NB (built with ovn-nbctl) compiled by the
// real ovn-northd into SB #1 and by the ovnts compiler into SB #2, then the real ovn-trace run on both
// for a battery of packets. Verdicts are returned side by side; the flow-level diff is a report.
import type { Sandbox } from '@ovnts/test-harness';
import { compile, type CompiledSb } from '../compile.js';
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
import { insertOps } from '../sb-json.js';
import { bindingSummary, normaliseLflowList, readNb, readSb, type Runner } from './lab.js';

/** One ovn-trace run: datapath, microflow and the conntrack/LB/ECMP choices to simulate. */
export interface TracePacket {
  readonly dp: string;
  readonly flow: string;
  /** ECMP/select member to pick (default 1). */
  readonly select?: number;
  /** `--ct` flags, one per ct action the packet meets (e.g. ['new'], ['est', 'est']). */
  readonly ct?: readonly string[];
  /** `--lb-dst`: the backend ct_lb_mark picks, "IP" or "IP:port". */
  readonly lbDst?: string;
}

export interface ParityCase {
  readonly name: string;
  /** OVSDB operations (wire format) run in one NB transaction first, for generated topologies. */
  readonly nbOps?: readonly unknown[];
  /** ovn-nbctl argument lists, run in order. */
  readonly nbctl: readonly (readonly string[])[];
  readonly packets: readonly TracePacket[];
  /** ovn-sbctl argument lists run on the SB before the NB (e.g. `chassis-add`): both northds see those chassis. */
  readonly sbctl?: readonly (readonly string[])[];
  /**
   * ovn-sbctl argument lists run on the real northd's SB after the NB, then synced again (e.g. ovn-controller's
   * Service_Monitor verdicts): the compile reads the Service_Monitor rows the real SB then holds.
   */
  readonly sbctlAfter?: readonly (readonly string[])[];
  /**
   * Groups ovn-controller would have learned by IGMP/MLD snooping: IGMP_Group rows put into the real
   * northd's SB once it has bound the NB (datapath and ports by name, on a chassis the case adds), then
   * synced again. Both compiles then start from the real SB's bindings and Multicast_Group keys.
   */
  readonly igmpGroups?: readonly IgmpGroupSpec[];
  /**
   * Compile with the real SB's Port_Binding rows in view (what ovn-controller wrote into them, e.g. a
   * virtual port's virtual_parent); their tunnel keys are not reused (no Datapath_Binding rows go with them).
   */
  readonly readPortBindings?: boolean;
  /** How long the real northd may take for the NB (`--wait=sb` timeout, s); 20 by default. */
  readonly waitTimeoutS?: number;
}

export interface IgmpGroupSpec {
  readonly address: string;
  /** The switch's name. */
  readonly datapath: string;
  readonly ports: readonly string[];
  /** The reporting chassis's name (added with ovn-sbctl chassis-add when missing); `hv1` by default. */
  readonly chassis?: string;
}

/** One OVSDB transaction through the client (large loads exceed a command line). */
async function transact(remote: string, db: string, ops: readonly unknown[]): Promise<void> {
  // A server committing a generated NB or a compiled SB of bench size is silent for a while: no probe.
  const client = await OvsdbClient.connect(remote, { reconnect: false, inactivityProbeMs: 0 });
  try {
    const res = await client.transact(db, ops as WireOperation[]);
    const failed = res.find((r) => r && typeof r === 'object' && 'error' in r);
    if (failed) throw new Error(`${db} transaction failed: ${JSON.stringify(failed)}`);
  } finally {
    await client.close();
  }
}

export interface ParityResult {
  readonly compiled: CompiledSb;
  /** The real northd's SB: the tables northd owns and reads. */
  readonly realSb: Awaited<ReturnType<typeof readSb>>;
  /** Sorted normalised lflow-list lines only the real northd wrote / only we wrote. */
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly realFlows: number;
  readonly ourFlows: number;
  readonly bindings: { readonly real: unknown; readonly ours: unknown };
  /** The flows with a controller_meter (CoPP), one sorted line each; lflow-list does not show it. */
  readonly meteredFlows: { readonly real: readonly string[]; readonly ours: readonly string[] };
  readonly verdicts: readonly { readonly packet: TracePacket; readonly real: string; readonly ours: string }[];
}

export async function trace(sb: Sandbox, remote: string, p: TracePacket): Promise<string> {
  const args = [`--db=${remote}`, '--minimal', `--select-id=${p.select ?? 1}`];
  for (const c of p.ct ?? []) args.push(`--ct=${c}`);
  if (p.lbDst) args.push(`--lb-dst=${p.lbDst}`);
  const r = await sb.run('ovn-trace', [...args, p.dp, p.flow]);
  // The microflow header and logged packets show the inport's tunnel key, which each northd
  // allocates its own way.
  const out = r.stdout.trim().replace(/\breg14=0x[0-9a-f]+,/g, '');
  return `${r.code === 0 ? '' : `exit ${r.code}: `}${out}`;
}

/** The distinct flows with a controller_meter: `pipeline table priority match=(…) action=(…) meter=…`. */
export async function meteredFlowSummary(run: Runner, remote: string): Promise<string[]> {
  const op = {
    op: 'select',
    table: 'Logical_Flow',
    where: [['controller_meter', '!=', ['set', []]]],
    columns: ['pipeline', 'table_id', 'priority', 'match', 'actions', 'controller_meter'],
  };
  const { stdout } = await run('ovsdb-client', ['transact', remote, JSON.stringify(['OVN_Southbound', op])]);
  const [res] = JSON.parse(stdout) as { rows: Record<string, unknown>[] }[];
  const lines = new Set<string>();
  for (const f of res?.rows ?? [])
    lines.add(
      `${String(f['pipeline'])} ${String(f['table_id'])} ${String(f['priority'])} match=(${String(f['match'])}) ` +
        `action=(${String(f['actions'])}) meter=${String(f['controller_meter'])}`,
    );
  return [...lines].sort();
}

/** Datapath tunnel key → datapath name: each northd allocates keys its own way. */
async function datapathNames(run: Runner, remote: string): Promise<Map<string, string>> {
  const op = { op: 'select', table: 'Datapath_Binding', where: [] };
  const { stdout } = await run('ovsdb-client', ['transact', remote, JSON.stringify(['OVN_Southbound', op])]);
  const [dps] = JSON.parse(stdout) as { rows: Record<string, unknown>[] }[];
  const names = new Map<string, string>();
  for (const d of dps?.rows ?? []) {
    const ext = new Map((d['external_ids'] as [string, [string, string][]])[1]);
    names.set(String(d['tunnel_key']), ext.get('name') ?? '?');
  }
  return names;
}

/** SB Port_Group rows with the datapath key prefix replaced by the datapath's name. */
export async function portGroupSummary(run: Runner, remote: string): Promise<string[]> {
  const op = { op: 'select', table: 'Port_Group', where: [] };
  const { stdout } = await run('ovsdb-client', ['transact', remote, JSON.stringify(['OVN_Southbound', op])]);
  const [pgs] = JSON.parse(stdout) as { rows: Record<string, unknown>[] }[];
  const names = await datapathNames(run, remote);
  const members = (v: unknown): string[] =>
    (Array.isArray(v) && v[0] === 'set' ? (v[1] as string[]) : [v as string]).slice().sort();
  return (pgs?.rows ?? [])
    .map((g) => {
      const name = String(g['name']);
      const i = name.indexOf('_');
      return `${names.get(name.slice(0, i)) ?? name.slice(0, i)}/${name.slice(i + 1)}: ${members(g['ports']).join(' ')}`;
    })
    .sort();
}

export async function runParityCase(sb: Sandbox, c: ParityCase): Promise<ParityResult> {
  const { nb, sb: sb1 } = await sb.startCentral();
  const sb2 = await sb.startDb('sb', { name: 'sb2' });
  await sb.startRealNorthd(nb.remotes.unix, sb1.remotes.unix);
  for (const args of c.sbctl ?? []) await sb.runOk('ovn-sbctl', [`--db=${sb1.remotes.unix}`, ...args]);
  if (c.nbOps) await transact(nb.remotes.unix, 'OVN_Northbound', c.nbOps);
  for (const args of c.nbctl) await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...args]);
  const timeout = c.waitTimeoutS ?? 20;
  const sync = () =>
    sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, `--timeout=${timeout}`, '--wait=sb', 'sync'], {
      timeoutMs: (timeout + 10) * 1000,
    });
  await sync();
  if (c.igmpGroups?.length) {
    await insertIgmpGroups(sb, sb1.remotes.unix, c.igmpGroups);
    await sync();
  }
  if (c.sbctlAfter?.length) {
    for (const args of c.sbctlAfter) await sb.runOk('ovn-sbctl', [`--db=${sb1.remotes.unix}`, ...args]);
    await sync();
  }

  // Reading a bench-size SB (tens of thousands of flows) takes longer than a tool's default 30 s.
  const timeoutMs = (timeout + 10) * 1000;
  const run: Runner = (p, a) => sb.runOk(p, a, { timeoutMs }).then((stdout) => ({ stdout }));
  // The chassis the real northd saw (their capabilities shape the flows); no keys: ours are allocated afresh.
  const realSb = await readSb(run, sb1.remotes.unix);
  const learned = c.igmpGroups?.length
    ? {
        Datapath_Binding: realSb.Datapath_Binding,
        Port_Binding: realSb.Port_Binding,
        IGMP_Group: realSb.IGMP_Group,
        Multicast_Group: realSb.Multicast_Group,
      }
    : { Datapath_Binding: new Map(), Port_Binding: c.readPortBindings ? realSb.Port_Binding : new Map() };
  const compiled = compile(await readNb(run, nb.remotes.unix), {
    sb: { Chassis: realSb.Chassis, Encap: realSb.Encap, Service_Monitor: realSb.Service_Monitor, ...learned },
  });
  await transact(sb2.remotes.unix, 'OVN_Southbound', insertOps(compiled));

  // Flows name router load balancer address sets by the router's tunnel key: compare by name.
  const flows = async (remote: string) => {
    const names = await datapathNames(run, remote);
    const text = await sb.runOk('ovn-sbctl', [`--db=${remote}`, 'lflow-list'], { timeoutMs });
    return normaliseLflowList(text.replace(/\$_rtr_lb_(\d+)_/g, (_, k: string) => `$_rtr_lb_<${names.get(k) ?? k}>_`));
  };
  const real = await flows(sb1.remotes.unix);
  const ours = await flows(sb2.remotes.unix);
  const realSet = new Set(real);
  const oursSet = new Set(ours);

  const summary = async (remote: string) => {
    const s = await bindingSummary(run, remote);
    const names = await datapathNames(run, remote);
    // Router load balancer address sets are named by the router's tunnel key.
    const sets = (s['addressSets'] as { name: string; addresses: unknown }[]).map((a) => ({
      ...a,
      name: a.name.replace(/^_rtr_lb_(\d+)_/, (_, k: string) => `_rtr_lb_<${names.get(k) ?? k}>_`),
    }));
    return {
      ...s,
      addressSets: sets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      portGroups: await portGroupSummary(run, remote),
    };
  };
  const verdicts = [];
  for (const packet of c.packets) {
    const [r, o] = await Promise.all([trace(sb, sb1.remotes.unix, packet), trace(sb, sb2.remotes.unix, packet)]);
    verdicts.push({ packet, real: r, ours: o });
  }
  return {
    compiled,
    realSb,
    missing: real.filter((l) => !oursSet.has(l)),
    extra: ours.filter((l) => !realSet.has(l)),
    realFlows: real.length,
    ourFlows: ours.length,
    bindings: { real: await summary(sb1.remotes.unix), ours: await summary(sb2.remotes.unix) },
    meteredFlows: {
      real: await meteredFlowSummary(run, sb1.remotes.unix),
      ours: await meteredFlowSummary(run, sb2.remotes.unix),
    },
    verdicts,
  };
}

/** IGMP_Group rows as ovn-controller writes them, naming the real SB's datapaths, ports and chassis. */
async function insertIgmpGroups(sb: Sandbox, remote: string, groups: readonly IgmpGroupSpec[]): Promise<void> {
  const run: Runner = (p, a) => sb.runOk(p, a).then((stdout) => ({ stdout }));
  let n = 0;
  for (const name of new Set(groups.map((g) => g.chassis ?? 'hv1')))
    await sb.runOk('ovn-sbctl', [`--db=${remote}`, '--may-exist', 'chassis-add', name, 'geneve', `127.0.0.${++n}`]);
  const cur = await readSb(run, remote);
  const chassis = await sb.runOk('ovn-sbctl', [`--db=${remote}`, '--bare', '--columns=_uuid,name', 'list', 'Chassis']);
  const chassisUuid = new Map<string, string>();
  const words = chassis.split(/\s+/).filter(Boolean);
  for (let i = 0; i + 1 < words.length; i += 2) chassisUuid.set(words[i + 1]!, words[i]!);
  const dp = (name: string) => {
    const d = [...cur.Datapath_Binding.values()].find((x) => x.external_ids['name'] === name);
    if (!d) throw new Error(`igmpGroups: no datapath ${name}`);
    return d._uuid;
  };
  const pb = (name: string) => {
    const p = [...cur.Port_Binding.values()].find((x) => x.logical_port === name);
    if (!p) throw new Error(`igmpGroups: no port ${name}`);
    return p._uuid;
  };
  const ops = groups.map((g) => ({
    op: 'insert',
    table: 'IGMP_Group',
    row: {
      address: g.address,
      datapath: ['uuid', dp(g.datapath)],
      chassis: ['uuid', chassisUuid.get(g.chassis ?? 'hv1')!],
      ports: ['set', g.ports.map((p) => ['uuid', pb(p)])],
    },
  }));
  await transact(remote, 'OVN_Southbound', ops);
}

/** The one-line-per-flow diff report the parity suites print. */
export function formatFlowDiff(name: string, r: ParityResult): string {
  return (
    `[lflow diff] ${name}: real ${r.realFlows}, ours ${r.ourFlows}, missing ${r.missing.length}, extra ${r.extra.length}` +
    [...r.missing.map((l) => `\n  - ${l}`), ...r.extra.map((l) => `\n  + ${l}`)].join('')
  );
}
