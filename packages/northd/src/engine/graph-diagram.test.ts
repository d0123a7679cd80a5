// The README's engine diagram is generated from graph.ts: this test fails when they differ.
// UPDATE_GRAPH=1 rewrites the README's copy.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NorthdEngine } from './northd-engine.js';
import { DIAGRAM_BEGIN, DIAGRAM_END, graphMermaid } from './graph-diagram.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

describe('engine graph diagram', () => {
  it('README shows the graph declared in graph.ts', () => {
    const want = graphMermaid(new NorthdEngine().graph());
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(DIAGRAM_BEGIN);
    const end = text.indexOf(DIAGRAM_END);
    expect(start, 'README has no generated engine diagram').toBeGreaterThanOrEqual(0);
    const got = text.slice(start, end + DIAGRAM_END.length);
    if (got !== want && process.env['UPDATE_GRAPH']) {
      writeFileSync(README, text.slice(0, start) + want + text.slice(end + DIAGRAM_END.length));
      return;
    }
    expect(got, 'regenerate with UPDATE_GRAPH=1 npx vitest run packages/northd/src/engine/graph-diagram').toBe(want);
  });

  it('every computing node is reachable from an input table', () => {
    const engine = new NorthdEngine().graph();
    const fed = new Set(engine.nodes.filter((n) => n.kind === 'input').map((n) => n.name));
    for (const n of engine.nodes) if (n.kind === 'node' && n.inputs.some((e) => fed.has(e.from))) fed.add(n.name);
    expect(engine.nodes.map((n) => n.name).filter((n) => !fed.has(n))).toEqual([]);
  });
});
