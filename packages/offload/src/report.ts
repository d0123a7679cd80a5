// The pass end to end: topology and classes from the flow dump (+ SB), each class translated and judged for
// each profile, the causing logical flow named, a fix suggested; plus the environment checks. And renderers.
import { CT_SCENARIOS, type ClassPath, type CtScenario, type DpAction, type DpPass } from './datapath.js';
import { buildClasses, traceFlow, type ClassId, type TrafficClass } from './classes.js';
import type { FlowDump } from './dump.js';
import { checkEnvironment, type EnvFinding, type OvsContext } from './env.js';
import { judgeClass, reasonKey, type Finding, type Judgement, type Verdict } from './judge.js';
import { getProfile, PROFILE_IDS, type Layer, type NicProfile, type ProfileId } from './profiles.js';
import type { SbContext } from './sb.js';
import { buildTopology, type LogicalPort } from './topology.js';
import { PacketState } from './xlate/state.js';
import { FlowTables } from './xlate/tables.js';
import { translate, translateClass } from './xlate/xlate.js';

export interface AnalyzeInput {
  readonly dump: FlowDump;
  readonly sb?: SbContext;
  readonly ovs?: OvsContext;
  /** Profile ids or aliases; all profiles when absent. */
  readonly profiles?: readonly string[];
}

/** The logical flow an OpenFlow cookie stands for (OVN: the first 32 bits of the Logical_Flow uuid). */
export interface LflowRef {
  readonly cookie: string;
  readonly stage?: string;
  readonly pipeline?: string;
  readonly table?: number;
  readonly priority?: number;
  readonly match?: string;
  readonly actions?: string;
}

/** One scenario's verdict for one profile, with its own first blocker. */
export interface ScenarioVerdict {
  readonly verdict: Verdict;
  /** `action hash`, `match recirc_id`, `slow_path slow_path(set(arp))`…; empty when offloadable. */
  readonly reason: string;
  /** The layer that refuses: OVS slow path, OVS offload provider, NIC vendor limit, kernel. */
  readonly layer?: Layer;
  /** Further blocking findings, e.g. `action hash` behind a first `match recirc_id`. */
  readonly alsoBlockedBy?: readonly string[];
  readonly note?: string;
  readonly source?: string;
  /** 0-based recirculation pass of the reason. */
  readonly pass?: number;
  readonly lflow?: LflowRef;
  readonly fix?: string;
}

export interface ClassVerdict {
  readonly profile: ProfileId;
  /** A connection's first packets (only for classes that meet conntrack). */
  readonly new?: ScenarioVerdict;
  /** The steady state: what carries the bytes. */
  readonly est: ScenarioVerdict;
  /** The established connection's other direction, where it takes a different path. */
  readonly reply?: ScenarioVerdict;
}

export interface ClassReport {
  readonly port: string;
  readonly class: ClassId;
  /** Tells apart several classes of one kind on one port (an LB's VIP). */
  readonly target?: string;
  readonly description: string;
  /** The representative packet as an ofproto/trace flow. */
  readonly traceFlow: string;
  /** The reverse packet followed for `reply`, when the class has one. */
  readonly replyFlow?: string;
  readonly path: ClassPath;
  /** Recirculations of the longest scenario (each is one more datapath flow to offload). */
  readonly recirculations: number;
  readonly verdicts: readonly ClassVerdict[];
}

/** Datapaths and their ports, and which router port each switch port is patched to. */
export interface TopologySketch {
  readonly datapaths: readonly {
    readonly name: string;
    readonly kind: 'switch' | 'router';
    readonly ports: readonly {
      readonly name: string;
      readonly type: string;
      readonly peer?: string;
      readonly local: boolean;
    }[];
  }[];
}

/** Per profile: how much of the traffic stays in software, by kind. */
export interface ProfileSummary {
  /** Classes by their established (steady-state) verdict: where the bytes go. */
  readonly established: Readonly<Record<Verdict, number>>;
  /** Classes with conntrack, by their new-connection verdict: where connection setups go. */
  readonly setups: Readonly<Record<Verdict, number>>;
  /** Classes with a distinct reply direction, by its verdict. */
  readonly replies: Readonly<Record<Verdict, number>>;
}

export interface OffloadReport {
  readonly profiles: readonly {
    readonly id: ProfileId;
    readonly title: string;
    readonly requirements: readonly string[];
  }[];
  readonly classes: readonly ClassReport[];
  readonly environment: readonly { readonly profile: ProfileId; readonly findings: readonly EnvFinding[] }[];
  readonly summary: Readonly<Record<string, ProfileSummary>>;
  /** The logical topology the classes ran on (from SB), for drawings. */
  readonly topology?: TopologySketch;
}

/** Only the check_pkt_len "greater" branch: what an oversize packet actually executes. */
export function takeGreaterBranch(passes: readonly DpPass[]): DpPass[] {
  const pick = (acts: readonly DpAction[]): DpAction[] =>
    acts.flatMap((a) => (a.kind === 'check_pkt_len' ? pick(a.gt) : [a]));
  const out: DpPass[] = [];
  for (const p of passes) {
    const hit = p.actions.some((a) => a.kind === 'check_pkt_len');
    out.push({ ...p, actions: pick(p.actions) });
    if (hit) break; // the "greater" branch ends the path (the le branch's recirculations are not taken)
  }
  return out;
}

export function classPathFor(tc: Pick<TrafficClass, 'branch'>, path: ClassPath): ClassPath {
  if (tc.branch !== 'gt') return path;
  const out: { -readonly [K in CtScenario]?: readonly DpPass[] } = {};
  for (const s of CT_SCENARIOS) if (path[s]) out[s] = takeGreaterBranch(path[s]);
  return { ...out, est: out.est! };
}

/** A fix to suggest for a blocking/partial finding, when there is a documented one. */
export function suggestFix(f: Finding, profile: NicProfile): string | undefined {
  if (f.kind === 'slow_path')
    return 'ARP/ND/ICMP answered by OVN flows rewrite fields no datapath action can: this control traffic stays on the CPU (expected, low volume)';
  if (f.kind === 'limit')
    return 'mlx5 takes one ct action per datapath rule and OVN puts two in this pass (a commit and the next lookup): the pass stays in software on mlx5';
  if (f.what === 'hash' || f.what === 'dp_hash')
    return 'OVN load balancer (select group, selection_method=dp_hash): disable the OVN LB for these ports (ovn-nbctl ls-lb-del / lr-lb-del), or use a profile that can hash; or set Load_Balancer selection_fields (OVN then emits selection_method=hash, which OVS resolves at translation time without a datapath hash; the connection stays behind conntrack)';
  if (f.what.startsWith('userspace') && f.scenario && f.kind === 'action' && profile.provider === 'tc')
    return 'packets to ovn-controller stay on the CPU; if this comes from gateway_mtu (check_pkt_len), TC refuses the whole flow: drop options:gateway_mtu or make the MTUs match so the check is not needed';
  if (f.kind === 'match' && (f.what === 'recirc_id' || f.what === 'ct_state') && profile.provider === 'rte_flow')
    return 'rte_flow in OVS 3.1 offloads only recirc_id=0 flows without conntrack: remove stateful ACLs and load balancers from the switch, or use a TC-based profile';
  if (f.what.startsWith('ct') && f.scenario === 'new')
    return 'expected with stateful ACLs / load balancers: established connections are offloaded, first packets are not';
  return undefined;
}

function lflowFor(sb: SbContext | undefined, cookie: bigint | undefined): LflowRef | undefined {
  if (cookie === undefined || cookie === 0n) return undefined;
  const hex = cookie.toString(16).padStart(8, '0');
  const ref: LflowRef = { cookie: `0x${cookie.toString(16)}` };
  const lf = sb?.logicalFlows?.find((l) => (l._uuid as string).replace(/-/g, '').startsWith(hex));
  if (!lf) return ref;
  return {
    ...ref,
    ...(lf.external_ids['stage-name'] ? { stage: lf.external_ids['stage-name'] } : {}),
    pipeline: lf.pipeline,
    table: lf.table_id,
    priority: lf.priority,
    match: lf.match,
    actions: lf.actions,
  };
}

export function scenarioVerdict(profile: NicProfile, j: Judgement, sb?: SbContext): ScenarioVerdict {
  const f = j.reason;
  if (!f) return { verdict: j.verdict, reason: '' };
  const lflow = lflowFor(sb, f.cookie);
  // The load-balancer fix matters most when a dp_hash is anywhere in the way.
  const lb = j.findings.find((x) => x.rule.support === 'none' && (x.what === 'hash' || x.what === 'dp_hash'));
  const fix = suggestFix(lb ?? f, profile);
  return {
    verdict: j.verdict,
    reason: reasonKey(j),
    layer: f.rule.layer ?? 'ovs-provider',
    ...(j.alsoBlockedBy.length > 0 ? { alsoBlockedBy: j.alsoBlockedBy } : {}),
    note: f.rule.note,
    source: f.rule.source,
    pass: f.pass,
    ...(lflow ? { lflow } : {}),
    ...(fix ? { fix } : {}),
  };
}

export function verdictFor(profile: NicProfile, path: ClassPath, sb?: SbContext): ClassVerdict {
  const j = judgeClass(profile, path);
  return {
    profile: profile.id,
    ...(j.new ? { new: scenarioVerdict(profile, j.new, sb) } : {}),
    est: scenarioVerdict(profile, j.est, sb),
    ...(j.reply ? { reply: scenarioVerdict(profile, j.reply, sb) } : {}),
  };
}

const zero = (): Record<Verdict, number> => ({ offloadable: 0, partial: 0, not: 0 });

export function summarise(classes: readonly ClassReport[], profile: ProfileId): ProfileSummary {
  const s = { established: zero(), setups: zero(), replies: zero() };
  for (const c of classes)
    for (const v of c.verdicts) {
      if (v.profile !== profile) continue;
      s.established[v.est.verdict]++;
      if (v.new) s.setups[v.new.verdict]++;
      if (v.reply) s.replies[v.reply.verdict]++;
    }
  return s;
}

/** Translate and judge one class (and its reverse packet for `reply`). */
function reportClass(
  tc: TrafficClass,
  tables: FlowTables,
  tunnelPorts: ReadonlySet<number>,
  profiles: readonly NicProfile[],
  sb?: SbContext,
): ClassReport | undefined {
  const full = translateClass(tables, new PacketState(tc.packet), { tunnelPorts });
  // "oversize" only exists where the pipeline checks the length (gateway_mtu).
  if (tc.branch === 'gt' && !full.est.some((p) => p.actions.some((a) => a.kind === 'check_pkt_len'))) return undefined;
  const reply =
    tc.reply && full.new ? translate(tables, new PacketState(tc.reply), { tunnelPorts, scenario: 'reply' }) : undefined;
  const path = classPathFor(tc, reply ? { ...full, reply } : full);
  const lengths = CT_SCENARIOS.map((s) => path[s]?.length ?? 0);
  return {
    port: tc.port,
    class: tc.id,
    ...(tc.target ? { target: tc.target } : {}),
    description: tc.description,
    traceFlow: traceFlow(tc.packet),
    ...(reply && tc.reply ? { replyFlow: traceFlow(tc.reply) } : {}),
    path,
    recirculations: Math.max(...lengths) - 1,
    verdicts: profiles.map((p) => verdictFor(p, path, sb)),
  };
}

function sketchOf(ports: readonly LogicalPort[], sb: SbContext | undefined): TopologySketch | undefined {
  if (!sb) return undefined;
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const datapaths = [...sb.datapaths]
    .map((d) => {
      const name = d.external_ids['name'] ?? `dp${d.tunnel_key}`;
      const kind: 'switch' | 'router' = d.external_ids['logical-router'] !== undefined ? 'router' : 'switch';
      const own = ports
        .filter((p) => p.dpKey === d.tunnel_key && p.type !== 'chassisredirect')
        .map((p) => ({
          name: p.name,
          type: p.type,
          ...(p.options['peer'] ? { peer: p.options['peer'] } : {}),
          local: p.ofport !== undefined,
        }))
        .sort(byName);
      return { name, kind, ports: own };
    })
    .sort((a, b) => (a.kind !== b.kind ? (a.kind === 'router' ? -1 : 1) : byName(a, b)));
  return { datapaths };
}

export function analyze(input: AnalyzeInput): OffloadReport {
  const profiles = (input.profiles && input.profiles.length > 0 ? input.profiles : PROFILE_IDS).map(getProfile);
  const topo = buildTopology(input.dump.flows, input.sb);
  const tables = new FlowTables(input.dump.flows, input.dump.groups);
  const classes = buildClasses(topo, tables).flatMap((tc) => {
    const r = reportClass(tc, tables, topo.tunnelPorts, profiles, input.sb);
    return r ? [r] : [];
  });
  const summary: Record<string, ProfileSummary> = {};
  for (const p of profiles) summary[p.id] = summarise(classes, p.id);
  const sketch = sketchOf(topo.ports, input.sb);
  return {
    ...(sketch ? { topology: sketch } : {}),
    profiles: profiles.map((p) => ({ id: p.id, title: p.title, requirements: p.requirements })),
    classes,
    environment: input.ovs ? profiles.map((p) => ({ profile: p.id, findings: checkEnvironment(input.ovs!, p) })) : [],
    summary,
  };
}

/** Verdicts that change between two reports, one line each: `vm1 lb-vip 10.0.0.1:80 tc-flower new: not (action hash) → partial (action ct(nat))`. */
export function verdictDelta(before: OffloadReport, after: OffloadReport): string[] {
  const flat = (r: OffloadReport) => {
    const m = new Map<string, string>();
    for (const c of r.classes)
      for (const v of c.verdicts)
        for (const s of CT_SCENARIOS) {
          const x = v[s];
          if (x)
            m.set(
              `${c.port} ${c.class}${c.target ? ` ${c.target}` : ''} ${v.profile} ${s}`,
              x.reason ? `${x.verdict} (${x.reason})` : x.verdict,
            );
        }
    return m;
  };
  const a = flat(before);
  const b = flat(after);
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => `${k}: ${a.get(k) ?? 'no such class'} → ${b.get(k) ?? 'no such class'}`);
}

const MARK: Readonly<Record<Verdict, string>> = { offloadable: '✓', partial: 'partial', not: '✗' };

const SCENARIO_LABEL: Readonly<Record<CtScenario, string>> = { new: 'new', est: 'est', reply: 'reply' };

/** `est/new[/reply]` marks for a cell, e.g. `✓/partial`; `-` for a scenario the class does not have. */
function cell(v: ClassVerdict | undefined): string {
  if (!v) return '?';
  const parts = [MARK[v.est.verdict], v.new ? MARK[v.new.verdict] : '-'];
  if (v.reply) parts.push(MARK[v.reply.verdict]);
  return parts.join('/');
}

const pct = (n: number, d: number) => (d === 0 ? '-' : `${Math.round((100 * n) / d)}%`);

/** Human table: one row per port × class, one column per profile (est/new[/reply]), then the reasons. */
export function formatReportTable(r: OffloadReport): string {
  const ids = r.profiles.map((p) => p.id);
  const rows = r.classes.map((c) => [
    c.port,
    c.target ? `${c.class} ${c.target}` : c.class,
    ...ids.map((id) => cell(c.verdicts.find((v) => v.profile === id))),
  ]);
  const head = ['port', 'class', ...ids];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    'Cells: established / new connection [/ reply]; "-": no conntrack on the path.',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ];
  out.push('Classes (the packet each one traced) and reasons (first blocking or partial finding per scenario):');
  for (const c of r.classes) {
    out.push(`  ${c.port} ${c.class} (${c.description})`, `    packet: ${c.traceFlow}`);
    if (c.replyFlow) out.push(`    reply:  ${c.replyFlow}`);
    for (const s of CT_SCENARIOS) {
      const groups = new Map<string, { profiles: string[]; v: ScenarioVerdict }>();
      for (const cv of c.verdicts) {
        const v = cv[s];
        if (!v || v.verdict === 'offloadable') continue;
        const key = JSON.stringify([v.verdict, v.reason, v.note, v.fix, v.lflow?.cookie, v.alsoBlockedBy]);
        const g = groups.get(key) ?? { profiles: [], v };
        g.profiles.push(cv.profile);
        groups.set(key, g);
      }
      for (const { profiles, v } of groups.values()) {
        const lf = v.lflow
          ? ` [${v.lflow.stage ?? 'cookie ' + v.lflow.cookie}${v.lflow.match !== undefined ? `: ${v.lflow.match}` : ''}]`
          : '';
        const also = v.alsoBlockedBy ? ` (also: ${v.alsoBlockedBy.join(', ')})` : '';
        out.push(
          `    ${SCENARIO_LABEL[s]} ${MARK[v.verdict]} ${profiles.join(', ')}: ${v.reason} [${v.layer ?? 'ovs-provider'}, pass ${v.pass ?? 0}]${also} — ${v.note ?? ''}${lf}`,
        );
        if (v.fix) out.push(`      fix: ${v.fix}`);
      }
    }
  }
  for (const e of r.environment) {
    out.push('', `Environment (${e.profile}):`);
    for (const f of e.findings) out.push(`  ${f.severity.padEnd(7)} ${f.check}: ${f.message}`);
  }
  out.push('', 'Summary:');
  for (const [id, s] of Object.entries(r.summary)) {
    const nEst = s.established.offloadable + s.established.partial + s.established.not;
    const nNew = s.setups.offloadable + s.setups.partial + s.setups.not;
    const nRpl = s.replies.offloadable + s.replies.partial + s.replies.not;
    const setupsSw = nNew - s.setups.offloadable;
    out.push(
      `  ${id}: ${s.established.offloadable} offloadable, ${s.established.partial} partial, ${s.established.not} not: ` +
        `established traffic stays in software for ${s.established.not} of ${nEst} classes (${pct(s.established.not, nEst)}); ` +
        `connection setups run in software for ${setupsSw} of ${nNew} conntrack classes (${pct(setupsSw, nNew)})` +
        (nRpl > 0 ? `; replies stay in software for ${s.replies.not} of ${nRpl}` : ''),
    );
  }
  return out.join('\n') + '\n';
}

/** JSON for tools: bigints as hex strings; datapath paths included. */
export function formatReportJson(r: OffloadReport & { readonly delta?: readonly string[] }): string {
  return (
    JSON.stringify(
      r,
      (_k, v: unknown) =>
        typeof v === 'bigint'
          ? `0x${v.toString(16)}`
          : v instanceof Set
            ? [...(v as Set<unknown>)]
            : v instanceof Map
              ? Object.fromEntries(v as Map<string, unknown>)
              : v,
      2,
    ) + '\n'
  );
}
