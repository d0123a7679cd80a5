// Flow parity: how much of the real ovn-controller's flow table we reproduce for the same SB (pure). Both sides
// are rendered by the same formatter after normalisation: conjunction ids become a placeholder (they are
// allocation order), group ids are replaced by the group's contents. Cookies are kept: both derive them from
// the same SB row UUIDs.
import { type Action, type Flow, type Group, formatFlow } from '@ovnts/openflow';
import { groupText } from './groups.js';

export interface ParityReport {
  readonly ours: number;
  readonly real: number;
  readonly matched: number;
  /** matched / real. */
  readonly share: number;
  readonly onlyOurs: readonly string[];
  readonly onlyReal: readonly string[];
  readonly byTable: ReadonlyMap<number, { ours: number; real: number; matched: number }>;
}

function normalizeActions(as: readonly Action[]): Action[] {
  return as.map((a) =>
    a.type === 'conjunction'
      ? { ...a, id: 0 }
      : a.type === 'clone'
        ? { ...a, actions: normalizeActions(a.actions) }
        : a,
  );
}

export function normalizeFlows(flows: readonly Flow[], groups: readonly Group[]): string[] {
  const byId = new Map(groups.map((g) => [g.groupId, groupText(g)]));
  return flows.map((f) => {
    const g: Flow = {
      ...f,
      match: f.match.map((e) => (e.field === 'conj_id' ? { ...e, value: 0n } : e)),
      actions: normalizeActions(f.actions),
    };
    return formatFlow(g).replace(/group:(\d+)/g, (_, id: string) => `group:{${byId.get(Number(id)) ?? '?'}}`);
  });
}

const tableOf = (s: string) => Number(/table=(\d+)/.exec(s)?.[1] ?? 0);

export function compareFlows(ours: readonly string[], real: readonly string[]): ParityReport {
  const count = (xs: readonly string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const o = count(ours);
  const r = count(real);
  let matched = 0;
  const onlyOurs: string[] = [];
  const onlyReal: string[] = [];
  const byTable = new Map<number, { ours: number; real: number; matched: number }>();
  const t = (s: string) => {
    const k = tableOf(s);
    let e = byTable.get(k);
    if (!e) byTable.set(k, (e = { ours: 0, real: 0, matched: 0 }));
    return e;
  };
  for (const [s, n] of r) {
    const hit = Math.min(n, o.get(s) ?? 0);
    matched += hit;
    t(s).real += n;
    t(s).matched += hit;
    for (let i = hit; i < n; i++) onlyReal.push(s);
  }
  for (const [s, n] of o) {
    t(s).ours += n;
    for (let i = Math.min(n, r.get(s) ?? 0); i < n; i++) onlyOurs.push(s);
  }
  return {
    ours: ours.length,
    real: real.length,
    matched,
    share: real.length ? matched / real.length : 1,
    onlyOurs: onlyOurs.sort(),
    onlyReal: onlyReal.sort(),
    byTable,
  };
}

export function formatParity(rep: ParityReport, examples = 10): string {
  const lines = [
    `flow parity: ${rep.matched}/${rep.real} real flows reproduced (${(rep.share * 100).toFixed(1)}%), ours ${rep.ours}`,
  ];
  lines.push('table   real   ours  match');
  for (const [t, e] of [...rep.byTable].sort((a, b) => a[0] - b[0]))
    lines.push(
      `${String(t).padStart(5)} ${String(e.real).padStart(6)} ${String(e.ours).padStart(6)} ${String(e.matched).padStart(6)}`,
    );
  if (rep.onlyReal.length)
    lines.push(`only real (${rep.onlyReal.length}):`, ...rep.onlyReal.slice(0, examples).map((s) => '  ' + s));
  if (rep.onlyOurs.length)
    lines.push(`only ours (${rep.onlyOurs.length}):`, ...rep.onlyOurs.slice(0, examples).map((s) => '  ' + s));
  return lines.join('\n');
}
