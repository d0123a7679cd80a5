// The pass end to end: topology and classes from the flow dump (+ SB), each class translated and judged for
// each profile, the causing logical flow named, a fix suggested; plus the environment checks. And renderers.
import type { ClassPath, DpAction, DpPass } from './datapath.js';
import { buildClasses, traceFlow, type ClassId, type TrafficClass } from './classes.js';
import type { FlowDump } from './dump.js';
import { checkEnvironment, type EnvFinding, type OvsContext } from './env.js';
import { judgeClass, reasonKey, type Finding, type Judgement, type Verdict } from './judge.js';
import { getProfile, PROFILE_IDS, type NicProfile, type ProfileId } from './profiles.js';
import type { SbContext } from './sb.js';
import { buildTopology } from './topology.js';
import { PacketState } from './xlate/state.js';
import { FlowTables } from './xlate/tables.js';
import { translateClass } from './xlate/xlate.js';

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

export interface ClassVerdict {
  readonly profile: ProfileId;
  readonly verdict: Verdict;
  /** `action hash`, `match recirc_id`…; empty when offloadable. */
  readonly reason: string;
  /** Further blocking findings, e.g. `action hash` behind a first `match recirc_id`. */
  readonly alsoBlockedBy?: readonly string[];
  readonly note?: string;
  readonly source?: string;
  readonly scenario?: 'new' | 'est';
  readonly lflow?: LflowRef;
  readonly fix?: string;
}

export interface ClassReport {
  readonly port: string;
  readonly class: ClassId;
  readonly description: string;
  /** The representative packet as an ofproto/trace flow. */
  readonly traceFlow: string;
  readonly path: ClassPath;
  /** Recirculations of the longest scenario (each is one more datapath flow to offload). */
  readonly recirculations: number;
  readonly verdicts: readonly ClassVerdict[];
}

export interface OffloadReport {
  readonly profiles: readonly {
    readonly id: ProfileId;
    readonly title: string;
    readonly requirements: readonly string[];
  }[];
  readonly classes: readonly ClassReport[];
  readonly environment: readonly { readonly profile: ProfileId; readonly findings: readonly EnvFinding[] }[];
  readonly summary: Readonly<Record<string, Readonly<Record<Verdict, number>>>>;
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
  return path.new
    ? { new: takeGreaterBranch(path.new), est: takeGreaterBranch(path.est) }
    : { est: takeGreaterBranch(path.est) };
}

/** A fix to suggest for a blocking/partial finding, when there is a documented one. */
export function suggestFix(f: Finding, profile: NicProfile): string | undefined {
  if (f.what === 'hash' || f.what === 'dp_hash')
    return 'OVN load balancer (select group, selection_method=dp_hash): disable the OVN LB for these ports (ovn-nbctl ls-lb-del / lr-lb-del), or use a profile that can hash; or set Load_Balancer selection_fields (OVN then emits selection_method=hash, which OVS resolves at translation time without a datapath hash; the connection stays behind conntrack)';
  if (f.what.startsWith('userspace') && f.scenario && f.kind === 'action' && profile.provider === 'tc')
    return 'packets to ovn-controller stay on the CPU; if this comes from gateway_mtu (check_pkt_len), TC refuses the whole flow: drop options:gateway_mtu or make the MTUs match so the check is not needed';
  if (f.kind === 'match' && (f.what === 'recirc_id' || f.what === 'ct_state') && profile.provider === 'rte_flow')
    return 'rte_flow in OVS 3.1 offloads only recirc_id=0 flows without conntrack: remove stateful ACLs and load balancers from the switch, or use a TC-based profile';
  if (f.what.startsWith('ct'))
    return 'expected with stateful ACLs / load balancers: established connections are offloaded, first packets are not';
  if (f.what === 'set(arp)' || f.what === 'set(nd)')
    return 'ARP/ND answered by OVN flows rewrite ARP/ND fields; this control traffic stays on the CPU (expected)';
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

export function verdictFor(profile: NicProfile, j: Judgement, sb?: SbContext): ClassVerdict {
  const f = j.reason;
  if (!f) return { profile: profile.id, verdict: j.verdict, reason: '' };
  const lflow = lflowFor(sb, f.cookie);
  // The load-balancer fix matters most when a dp_hash is anywhere in the way.
  const lb = j.findings.find((x) => x.rule.support === 'none' && (x.what === 'hash' || x.what === 'dp_hash'));
  const fix = suggestFix(lb ?? f, profile);
  return {
    profile: profile.id,
    verdict: j.verdict,
    reason: reasonKey(j),
    ...(j.alsoBlockedBy.length > 0 ? { alsoBlockedBy: j.alsoBlockedBy } : {}),
    note: f.rule.note,
    source: f.rule.source,
    scenario: f.scenario,
    ...(lflow ? { lflow } : {}),
    ...(fix ? { fix } : {}),
  };
}

export function analyze(input: AnalyzeInput): OffloadReport {
  const profiles = (input.profiles && input.profiles.length > 0 ? input.profiles : PROFILE_IDS).map(getProfile);
  const topo = buildTopology(input.dump.flows, input.sb);
  const tables = new FlowTables(input.dump.flows, input.dump.groups);
  const classes: ClassReport[] = buildClasses(topo).flatMap((tc) => {
    const full = translateClass(tables, new PacketState(tc.packet), { tunnelPorts: topo.tunnelPorts });
    // "oversize" only exists where the pipeline checks the length (gateway_mtu).
    if (tc.branch === 'gt' && !full.est.some((p) => p.actions.some((a) => a.kind === 'check_pkt_len'))) return [];
    const path = classPathFor(tc, full);
    return [
      {
        port: tc.port,
        class: tc.id,
        description: tc.description,
        traceFlow: traceFlow(tc.packet),
        path,
        recirculations: Math.max(path.est.length, path.new?.length ?? 0) - 1,
        verdicts: profiles.map((p) => verdictFor(p, judgeClass(p, path), input.sb)),
      },
    ];
  });
  const summary: Record<string, Record<Verdict, number>> = {};
  for (const p of profiles) {
    const s = { offloadable: 0, partial: 0, not: 0 };
    for (const c of classes) for (const v of c.verdicts) if (v.profile === p.id) s[v.verdict]++;
    summary[p.id] = s;
  }
  return {
    profiles: profiles.map((p) => ({ id: p.id, title: p.title, requirements: p.requirements })),
    classes,
    environment: input.ovs ? profiles.map((p) => ({ profile: p.id, findings: checkEnvironment(input.ovs!, p) })) : [],
    summary,
  };
}

const MARK: Readonly<Record<Verdict, string>> = { offloadable: '✓', partial: 'partial', not: '✗' };

/** Human table: one row per port × class, one column per profile, then the reasons. */
export function formatReportTable(r: OffloadReport): string {
  const ids = r.profiles.map((p) => p.id);
  const rows = r.classes.map((c) => [
    c.port,
    c.class,
    ...ids.map((id) => MARK[c.verdicts.find((v) => v.profile === id)?.verdict ?? 'not']),
  ]);
  const head = ['port', 'class', ...ids];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  out.push('Reasons (first blocking or partial finding; profiles with the same finding share a line):');
  for (const c of r.classes) {
    const groups = new Map<string, { profiles: string[]; v: ClassVerdict }>();
    for (const v of c.verdicts) {
      if (v.verdict === 'offloadable') continue;
      const key = JSON.stringify([v.verdict, v.reason, v.note, v.fix, v.lflow?.cookie, v.alsoBlockedBy]);
      const g = groups.get(key) ?? { profiles: [], v };
      g.profiles.push(v.profile);
      groups.set(key, g);
    }
    if (groups.size === 0) continue;
    out.push(`  ${c.port} ${c.class} (${c.description})`);
    for (const { profiles, v } of groups.values()) {
      const lf = v.lflow
        ? ` [${v.lflow.stage ?? 'cookie ' + v.lflow.cookie}${v.lflow.match !== undefined ? `: ${v.lflow.match}` : ''}]`
        : '';
      const also = v.alsoBlockedBy ? ` (also: ${v.alsoBlockedBy.join(', ')})` : '';
      out.push(`    ${MARK[v.verdict]} ${profiles.join(', ')}: ${v.reason}${also} — ${v.note ?? ''}${lf}`);
      if (v.fix) out.push(`      fix: ${v.fix}`);
    }
  }
  for (const e of r.environment) {
    out.push('', `Environment (${e.profile}):`);
    for (const f of e.findings) out.push(`  ${f.severity.padEnd(7)} ${f.check}: ${f.message}`);
  }
  out.push('', 'Summary:');
  for (const [id, s] of Object.entries(r.summary))
    out.push(`  ${id}: ${s.offloadable} offloadable, ${s.partial} partial, ${s.not} not`);
  return out.join('\n') + '\n';
}

/** JSON for tools: bigints as hex strings; datapath paths included. */
export function formatReportJson(r: OffloadReport): string {
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
