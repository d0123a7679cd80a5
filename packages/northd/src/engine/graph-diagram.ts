// The engine graph as a Mermaid flowchart, for packages/northd/README.md (graph-diagram.test.ts keeps
// the README's copy equal to what this prints from graph.ts).
import type { IncEngine } from './inc-engine.js';

export const DIAGRAM_BEGIN = '<!-- engine-graph: generated from src/engine/graph.ts by graph-diagram.test.ts -->';
export const DIAGRAM_END = '<!-- /engine-graph -->';

/**
 * Input nodes as rounded boxes (NB tables on top, SB tables apart), computing nodes as rectangles; an
 * edge is labelled with its handler, and an edge without one (any change recomputes) is dotted.
 */
export function graphMermaid(engine: IncEngine): string {
  const lines = ['```mermaid', 'flowchart TD'];
  const inputs = engine.nodes.filter((n) => n.kind === 'input').map((n) => n.name);
  for (const prefix of ['NB_', 'SB_']) {
    lines.push(`  subgraph ${prefix.slice(0, 2)}[${prefix.slice(0, 2)} input tables]`);
    for (const n of inputs.filter((i) => i.startsWith(prefix))) lines.push(`    ${n}([${n}])`);
    lines.push('  end');
  }
  for (const n of engine.nodes) if (n.kind === 'node') lines.push(`  ${n.name}[${n.name}]`);
  for (const e of engine.edges())
    lines.push(e.handler ? `  ${e.from} -- ${e.handler} --> ${e.to}` : `  ${e.from} -. recompute .-> ${e.to}`);
  lines.push('```');
  return `${DIAGRAM_BEGIN}\n\n${lines.join('\n')}\n\n${DIAGRAM_END}`;
}
