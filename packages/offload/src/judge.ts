// Judging datapath passes against a NIC profile. The same code judges the real ofproto/trace output and our
// own translation; the acceptance test judges real traces with rules of its own.
import {
  describeAction,
  walkActions,
  CT_SCENARIOS,
  type ClassPath,
  type CtScenario,
  type DpAction,
  type DpPass,
  type MatchTrait,
} from './datapath.js';
import { actionRule, matchRule, SLOW_PATH_OTHER_RULE, SLOW_PATH_RULE, type NicProfile, type Rule } from './profiles.js';

export type Verdict = 'offloadable' | 'partial' | 'not';

export interface Finding {
  /** `slow_path`: the whole pass is on OVS's userspace slow path; `limit`: a per-rule vendor limit. */
  readonly kind: 'action' | 'match' | 'slow_path' | 'limit';
  /** `hash`, `set(arp)`, `ct(commit,nat)`, `dp_hash`, `ct x2`; for `slow_path`, the rewrite that caused it. */
  readonly what: string;
  readonly rule: Rule;
  readonly scenario: CtScenario;
  /** 0-based recirculation pass. */
  readonly pass: number;
  /** The OpenFlow flow that produced it, when known. */
  readonly cookie?: bigint;
  /** True when the rte_flow MARK+RSS fallback turned an unsupported action into classification-only offload. */
  readonly markRss?: boolean;
}

export interface Judgement {
  readonly verdict: Verdict;
  /** Other distinct blocking findings after the first (`action hash`…). */
  readonly alsoBlockedBy: readonly string[];
  /** The first blocking finding for `not`, the first partial one for `partial`. */
  readonly reason?: Finding;
  readonly findings: readonly Finding[];
}

/** Per scenario; `new` and `reply` only when the class has them. */
export interface ClassJudgement {
  readonly new?: Judgement;
  readonly est: Judgement;
  readonly reply?: Judgement;
}

const MATCH_ORDER: readonly MatchTrait[] = [
  'recirc_id',
  'ct_state',
  'dp_hash',
  'arp',
  'nd',
  'tunnel',
  'tun_metadata',
  'ipv6_frag',
  'pkt_mark',
];

/** What made OVS slow-path a pass: the rewrite it could not express, when the actions show it. */
function slowWhat(pass: DpPass): { what: string; cookie?: bigint } {
  let hit: DpAction | undefined;
  walkActions(pass.actions, (a) => {
    if (!hit && a.kind === 'set' && ['arp', 'nd', 'icmp', 'icmpv6'].includes(a.target)) hit = a;
  });
  return hit ? { what: describeAction(hit), cookie: hit.cookie } : { what: 'flow' };
}

/** Findings (non-full rules) of one pass, matches first, then actions in datapath order. */
export function judgePass(profile: NicProfile, pass: DpPass, scenario: CtScenario, index: number): Finding[] {
  if (pass.slow) {
    // The datapath flow is userspace(slow_path): nothing below OVS's userspace sees its actions.
    const { what, cookie } = slowWhat(pass);
    const rule = pass.slow === 'action' ? SLOW_PATH_RULE : SLOW_PATH_OTHER_RULE;
    return [{ kind: 'slow_path', what, rule, scenario, pass: index, ...(cookie !== undefined ? { cookie } : {}) }];
  }
  const out: Finding[] = [];
  for (const t of MATCH_ORDER) {
    if (!pass.matches.has(t)) continue;
    const rule = matchRule(profile, t);
    if (rule.support !== 'full')
      out.push({ kind: 'match', what: t, rule, scenario, pass: index, cookie: pass.matchCookies?.get(t) });
  }
  // A pass whose match cannot be offloaded gets no hardware rule at all (not even MARK+RSS); its actions are
  // still listed so a report can say everything that stands in the way.
  const matchBlocked = out.some((f) => f.rule.support === 'none');
  const actionFindings: Finding[] = [];
  const cts: DpAction[] = [];
  walkActions(pass.actions, (a: DpAction) => {
    if (a.kind === 'ct') cts.push(a);
    let rule = actionRule(profile, a);
    // A new connection: the provider takes the rule, the connection is not in the NIC yet.
    if (a.kind === 'ct' && scenario === 'new' && rule.support === 'full' && profile.ctNew) rule = profile.ctNew;
    if (rule.support !== 'full')
      actionFindings.push({ kind: 'action', what: describeAction(a), rule, scenario, pass: index, cookie: a.cookie });
  });
  const limit = profile.maxCtPerRule;
  if (limit && cts.length > limit.n)
    actionFindings.unshift({
      kind: 'limit',
      what: `ct x${cts.length}`,
      rule: limit.rule,
      scenario,
      pass: index,
      cookie: cts[limit.n]!.cookie,
    });
  const blocking = actionFindings.find((f) => f.rule.support === 'none');
  // No MARK+RSS for a packet that came in on a tunnel (a vport in-port in netdev_offload_dpdk_add_flow).
  if (blocking && profile.markRssFallback && !matchBlocked && !pass.matches.has('tunnel')) {
    // OVS 3.1 netdev_offload_dpdk_add_flow(): when the match parses but the actions do not, the rule is
    // installed as MARK+RSS (classification in the NIC, actions on the CPU).
    out.push({
      ...blocking,
      rule: {
        ...blocking.rule,
        support: 'partial',
        note: `MARK+RSS partial offload (classification in the NIC, actions on the CPU): ${blocking.rule.note}`,
        source: `OVS v3.1.0 lib/netdev-offload-dpdk.c netdev_offload_dpdk_add_flow(); ${blocking.rule.source}`,
      },
      markRss: true,
    });
    return out;
  }
  out.push(...actionFindings);
  return out;
}

/**
 * One scenario's passes. On TC the worst pass decides (a refused pass keeps every packet of the class in
 * software from there on). On rte_flow only the first pass meets the NIC (recirculation happens in the PMD):
 * its verdict is the scenario's, later passes are listed as findings.
 */
export function judgeScenario(profile: NicProfile, passes: readonly DpPass[], scenario: CtScenario): Judgement {
  const findings: Finding[] = [];
  passes.forEach((p, i) => findings.push(...judgePass(profile, p, scenario, i)));
  const decisive = profile.markRssFallback ? findings.filter((f) => f.pass === 0) : findings;
  const blockers = decisive.filter((f) => f.rule.support === 'none');
  const blocking = blockers[0];
  const key = (f: Finding) => `${f.kind} ${f.what}`;
  const also = [...new Set(findings.filter((f) => f.rule.support === 'none').map(key))].filter(
    (k) => !blocking || k !== key(blocking),
  );
  if (blocking) return { verdict: 'not', reason: blocking, alsoBlockedBy: also, findings };
  const part = decisive.find((f) => f.rule.support === 'partial');
  if (part) return { verdict: 'partial', reason: part, alsoBlockedBy: also, findings };
  return { verdict: 'offloadable', alsoBlockedBy: [], findings };
}

/** Every scenario the class was followed with. */
export function judgeClass(profile: NicProfile, path: ClassPath): ClassJudgement {
  const out: { -readonly [K in CtScenario]?: Judgement } = {};
  for (const s of CT_SCENARIOS) {
    const passes = path[s];
    if (passes) out[s] = judgeScenario(profile, passes, s);
  }
  return { ...out, est: out.est! };
}

/** A stable one-line reason, e.g. `action hash` — what the acceptance test compares. */
export function reasonKey(j: Judgement): string {
  return j.reason ? `${j.reason.kind} ${j.reason.what}` : '';
}
