// Judging datapath passes against a NIC profile. The same code judges the real ofproto/trace output and our
// own translation, so the acceptance test can compare verdicts and reasons one to one.
import {
  describeAction,
  walkActions,
  type ClassPath,
  type CtScenario,
  type DpAction,
  type DpPass,
  type MatchTrait,
} from './datapath.js';
import { actionRule, matchRule, type NicProfile, type Rule } from './profiles.js';

export type Verdict = 'offloadable' | 'partial' | 'not';

export interface Finding {
  readonly kind: 'action' | 'match';
  /** `hash`, `set(arp)`, `ct(commit,nat)`, `dp_hash`… */
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

/** Findings (non-full rules) of one pass, matches first, then actions in datapath order. */
export function judgePass(profile: NicProfile, pass: DpPass, scenario: CtScenario, index: number): Finding[] {
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
  walkActions(pass.actions, (a: DpAction) => {
    const rule = actionRule(profile, a);
    if (rule.support !== 'full')
      actionFindings.push({ kind: 'action', what: describeAction(a), rule, scenario, pass: index, cookie: a.cookie });
  });
  const blocking = actionFindings.find((f) => f.rule.support === 'none');
  if (blocking && profile.markRssFallback && !matchBlocked) {
    // OVS 3.1 netdev-offload-dpdk: failed actions fall back to MARK+RSS when the match is offloadable.
    out.push({
      ...blocking,
      rule: {
        ...blocking.rule,
        support: 'partial',
        note: `MARK+RSS only (classification in hardware, actions on the CPU): ${blocking.rule.note}`,
      },
      markRss: true,
    });
    return out;
  }
  out.push(...actionFindings);
  return out;
}

const SCENARIO_ORDER: readonly CtScenario[] = ['new', 'est'];

/** A traffic class: the first blocking finding over a connection's life (new, then established) wins. */
export function judgeClass(profile: NicProfile, path: ClassPath): Judgement {
  const findings: Finding[] = [];
  for (const scenario of SCENARIO_ORDER) {
    const passes = path[scenario];
    if (!passes) continue;
    passes.forEach((p, i) => findings.push(...judgePass(profile, p, scenario, i)));
  }
  const blockers = findings.filter((f) => f.rule.support === 'none');
  const blocking = blockers[0];
  const also = [...new Set(blockers.slice(1).map((f) => `${f.kind} ${f.what}`))].filter(
    (k) => !blocking || k !== `${blocking.kind} ${blocking.what}`,
  );
  if (blocking) return { verdict: 'not', reason: blocking, alsoBlockedBy: also, findings };
  const part = findings.find((f) => f.rule.support === 'partial');
  if (part) return { verdict: 'partial', reason: part, alsoBlockedBy: [], findings };
  return { verdict: 'offloadable', alsoBlockedBy: [], findings };
}

/** A stable one-line reason, e.g. `action hash: …` — what the acceptance test compares. */
export function reasonKey(j: Judgement): string {
  return j.reason ? `${j.reason.kind} ${j.reason.what}` : '';
}
