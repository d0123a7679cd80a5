// `--format html`: one self-contained page (no network, no script): per profile, the topology drawn in SVG
// (routers on top, switches below, each switch's ports under it) with every local port coloured by its worst
// verdict; a port links to its class table, which names each scenario's blocker and the logical flow behind it.
import { CT_SCENARIOS } from './datapath.js';
import type { Verdict } from './judge.js';
import type { ClassReport, OffloadReport, ScenarioVerdict } from './report.js';

const COLOUR: Readonly<Record<Verdict | 'none', string>> = {
  offloadable: '#2e7d32',
  partial: '#f9a825',
  not: '#c62828',
  none: '#9e9e9e',
};
const RANK: Readonly<Record<Verdict, number>> = { offloadable: 0, partial: 1, not: 2 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const id = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

/** The worst verdict of a port's classes, over every scenario, for one profile (undefined: no class). */
export function worstVerdict(classes: readonly ClassReport[], port: string, profile: string): Verdict | undefined {
  let worst: Verdict | undefined;
  for (const c of classes) {
    if (c.port !== port) continue;
    const v = c.verdicts.find((x) => x.profile === profile);
    for (const s of CT_SCENARIOS) {
      const x = v?.[s];
      if (x && (worst === undefined || RANK[x.verdict] > RANK[worst])) worst = x.verdict;
    }
  }
  return worst;
}

const W_COL = 180;
const H_ROW = 120;

function drawing(r: OffloadReport, profile: string): string {
  const dps = r.topology?.datapaths ?? [];
  const routers = dps.filter((d) => d.kind === 'router');
  const switches = dps.filter((d) => d.kind === 'switch');
  const maxPorts = Math.max(
    1,
    ...switches.map((s) => s.ports.filter((p) => p.type === '' || p.type === 'localnet').length),
  );
  const width = Math.max(routers.length, switches.length, 1) * W_COL + 40;
  const height = 2 * H_ROW + maxPorts * 28 + 40;
  const pos = new Map<string, { x: number; y: number }>();
  routers.forEach((d, i) => pos.set(d.name, { x: 20 + i * W_COL + W_COL / 2, y: 40 }));
  switches.forEach((d, i) => pos.set(d.name, { x: 20 + i * W_COL + W_COL / 2, y: 40 + H_ROW }));
  const dpOfPort = new Map(dps.flatMap((d) => d.ports.map((p) => [p.name, d.name] as const)));
  const out: string[] = [];
  // Links: a switch port patched to a router port.
  for (const s of switches)
    for (const p of s.ports) {
      const r = p.peer ? dpOfPort.get(p.peer) : undefined;
      const a = pos.get(s.name);
      const b = r ? pos.get(r) : undefined;
      if (a && b) out.push(`<line class="link" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="#555"/>`);
    }
  for (const d of dps) {
    const p = pos.get(d.name)!;
    const shape =
      d.kind === 'router'
        ? `<circle class="router" cx="${p.x}" cy="${p.y}" r="22" fill="#e3f2fd" stroke="#1565c0"/>`
        : `<rect class="switch" x="${p.x - 60}" y="${p.y - 16}" width="120" height="32" rx="4" fill="#f5f5f5" stroke="#424242"/>`;
    out.push(
      `<g data-datapath="${esc(d.name)}">${shape}<text x="${p.x}" y="${p.y + 4}" text-anchor="middle">${esc(d.name)}</text></g>`,
    );
  }
  for (const s of switches) {
    const base = pos.get(s.name)!;
    s.ports
      .filter((p) => p.type === '' || p.type === 'localnet')
      .forEach((p, i) => {
        const y = base.y + 40 + i * 28;
        const v = p.local ? worstVerdict(r.classes, p.name, profile) : undefined;
        const fill = COLOUR[v ?? 'none'];
        const dot = `<circle class="port" data-port="${esc(p.name)}" data-verdict="${v ?? 'none'}" cx="${base.x - 50}" cy="${y}" r="8" fill="${fill}"/><text x="${base.x - 36}" y="${y + 4}">${esc(p.name)}${p.type === 'localnet' ? ' (localnet)' : p.local ? '' : ' (remote)'}</text>`;
        out.push(v ? `<a href="#${id(`${profile}-${p.name}`)}">${dot}</a>` : dot);
        out.push(`<line x1="${base.x - 50}" y1="${base.y + 16}" x2="${base.x - 50}" y2="${y - 8}" stroke="#bbb"/>`);
      });
  }
  return `<svg class="topology" data-profile="${esc(profile)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${out.join('')}</svg>`;
}

function scenarioCell(v: ScenarioVerdict | undefined): string {
  if (!v) return '<td class="na">–</td>';
  const lf = v.lflow
    ? `<div class="lflow">${esc(v.lflow.stage ?? `cookie ${v.lflow.cookie}`)}${v.lflow.match !== undefined ? `: <code>${esc(v.lflow.match)}</code>` : ''} (cookie ${esc(v.lflow.cookie)})</div>`
    : '';
  const why = v.reason ? `<div>${esc(v.reason)} [${esc(v.layer ?? '')}, pass ${v.pass ?? 0}]</div>${lf}` : '';
  return `<td class="verdict" data-verdict="${v.verdict}" style="border-left:6px solid ${COLOUR[v.verdict]}"><b>${v.verdict}</b>${why}</td>`;
}

function portTables(r: OffloadReport, profile: string): string {
  const ports = [...new Set(r.classes.map((c) => c.port))];
  return ports
    .map((port) => {
      const rows = r.classes
        .filter((c) => c.port === port)
        .map((c) => {
          const v = c.verdicts.find((x) => x.profile === profile);
          return `<tr data-class="${esc(c.class)}"><td>${esc(c.class)}${c.target ? ` ${esc(c.target)}` : ''}<div class="desc">${esc(c.description)}</div><code class="packet">${esc(c.traceFlow)}</code></td>${CT_SCENARIOS.map((s) => scenarioCell(v?.[s])).join('')}</tr>`;
        })
        .join('');
      return `<section id="${id(`${profile}-${port}`)}" class="port-table"><h3>${esc(port)}</h3><table><tr><th>class / packet</th><th>new connection</th><th>established</th><th>reply</th></tr>${rows}</table></section>`;
    })
    .join('');
}

export function formatReportHtml(r: OffloadReport): string {
  const sections = r.profiles
    .map((p) => {
      const s = r.summary[p.id]!;
      const n = s.established.offloadable + s.established.partial + s.established.not;
      const summary = `<p class="summary" data-profile="${esc(p.id)}">established traffic: <span class="n-offloadable">${s.established.offloadable}</span> offloadable, <span class="n-partial">${s.established.partial}</span> partial, <span class="n-not">${s.established.not}</span> in software, of <span class="n-classes">${n}</span> classes; connection setups in software: <span class="n-setups">${s.setups.partial + s.setups.not}</span> of ${s.setups.offloadable + s.setups.partial + s.setups.not}</p>`;
      return `<section class="profile" id="${id(p.id)}"><h2>${esc(p.id)}: ${esc(p.title)}</h2>${summary}${drawing(r, p.id)}${portTables(r, p.id)}</section>`;
    })
    .join('');
  const nav = r.profiles.map((p) => `<a href="#${id(p.id)}">${esc(p.id)}</a>`).join(' · ');
  const legend = (['offloadable', 'partial', 'not', 'none'] as const)
    .map((k) => `<span><i style="background:${COLOUR[k]}"></i>${k === 'none' ? 'no class' : k}</span>`)
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ovnts offload report</title>
<style>
body{font:14px system-ui,sans-serif;margin:1em 2em;color:#212121}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
code{font-size:12px}.desc{color:#616161}.packet{display:block;color:#455a64;word-break:break-all;max-width:42em}
.lflow{color:#37474f;font-size:12px}.legend i{display:inline-block;width:12px;height:12px;border-radius:6px;margin:0 4px 0 12px}
svg text{font-size:12px}section.profile{border-top:2px solid #90a4ae;margin-top:2em}
</style></head>
<body><h1>Hardware offload: which traffic a SmartNIC takes over</h1>
<p>Ports are coloured by their worst verdict over every class and scenario; a port links to its classes. ${nav}</p>
<p class="legend">${legend}</p>
${sections}
</body></html>
`;
}
