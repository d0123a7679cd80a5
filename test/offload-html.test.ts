// The html report rendered by a real browser (Debian's chromium, headless): the DOM it builds must show the
// topology (every switch and router, every local port) with each port coloured by its worst verdict per
// profile, and the summary numbers of the report.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, formatReportHtml, parseDump, sbContextFromJson, worstVerdict } from '@ovnts/offload';

const fx = (n: string) => readFileSync(new URL(`../packages/offload/fixtures/${n}`, import.meta.url), 'utf8');

function renderDom(file: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout) => (err ? reject(new Error(`chromium: ${err.message}`)) : resolve(String(stdout))),
    ),
  );
}

describe('offload report as html, rendered in headless Chromium', () => {
  it('draws the topology, colours each port by its worst verdict per profile, shows the summary numbers', async () => {
    const report = analyze({ dump: parseDump(fx('lab-flows.txt')), sb: sbContextFromJson(fx('lab-sb.json')) });
    const dir = mkdtempSync(join(tmpdir(), 'offload-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, formatReportHtml(report));
    const dom = await renderDom(file);
    expect(dom).not.toMatch(/(src|href)="(https?:)?\/\/|<script|<link/); // self-contained: nothing to fetch
    const svgs = [...dom.matchAll(/<svg[^>]*data-profile="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/g)];
    expect(svgs.map((m) => m[1])).toEqual(report.profiles.map((p) => p.id));
    const datapaths = report.topology!.datapaths.map((d) => d.name);
    const localPorts = [...new Set(report.classes.map((c) => c.port))];
    for (const [, profile, body] of svgs) {
      for (const d of datapaths) expect(body).toContain(`data-datapath="${d}"`);
      const dots = new Map(
        [...body!.matchAll(/class="port" data-port="([^"]+)" data-verdict="([^"]+)"[^>]*fill="([^"]+)"/g)].map((m) => [
          m[1]!,
          { verdict: m[2]!, fill: m[3]! },
        ]),
      );
      for (const port of localPorts) {
        const want = worstVerdict(report.classes, port, profile!);
        expect(dots.get(port)?.verdict, `${profile} ${port}`).toBe(want);
      }
      // The colours are the verdicts' colours, and a linked port leads to its table.
      for (const { verdict, fill } of dots.values())
        expect(fill).toBe({ offloadable: '#2e7d32', partial: '#f9a825', not: '#c62828', none: '#9e9e9e' }[verdict]);
      for (const port of localPorts) expect(dom).toContain(`id="${profile}-${port}"`);
    }
    for (const p of report.profiles) {
      const s = report.summary[p.id]!;
      const m = new RegExp(
        `class="summary" data-profile="${p.id}">established traffic: <span class="n-offloadable">(\\d+)</span> offloadable, <span class="n-partial">(\\d+)</span> partial, <span class="n-not">(\\d+)</span>`,
      ).exec(dom);
      expect(m, p.id).not.toBeNull();
      expect(m!.slice(1, 4).map(Number)).toEqual([s.established.offloadable, s.established.partial, s.established.not]);
    }
    // The blocking logical flow is on the page (click-through target).
    expect(dom).toMatch(/ls_in_lb: <code>ct\.new &amp;&amp; ip4\.dst == 192\.168\.100\.100/);
  }, 90_000);
});
