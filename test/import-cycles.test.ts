// No import cycles: between the modules of a package (relative imports, `import type` included: a type-only
// cycle still ties two modules together for a reader), nor between packages (workspace dependencies).
// Imports are read with the TypeScript compiler's pre-processor, which parses nothing but import/export lines.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Cycles known today, each as its sorted module list. The only one left runs through engine/, which is being
 * rewritten: it goes when engine/northd-engine.ts imports `CompiledSb` from '../compiled-sb.js'. A listed
 * cycle that no longer exists fails the test too, so this list only shrinks.
 */
const KNOWN: readonly string[][] = [];

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts)$/.test(p) && !/\.(test|test-d|d)\.ts$/.test(p)) out.push(p);
  }
  return out;
}

/** The relative imports and re-exports of a module that resolve to a source file. */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), fileName);
    const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), path.join(base, 'index.ts')];
    const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (hit) out.push(hit);
  }
  return out;
}

/** Strongly connected components with more than one node (or a self-loop), Tarjan's algorithm. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || graph.get(v)?.includes(v)) found.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const workspaces = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;

describe('import cycles', () => {
  it('no module imports itself back, within any package', () => {
    const graph = new Map<string, string[]>();
    for (const ws of workspaces) {
      const src = path.join(root, ws, 'src');
      if (!existsSync(src)) continue;
      for (const f of sources(src)) graph.set(f, localImports(f));
    }
    expect(graph.size).toBeGreaterThan(100);
    const rel = (c: string[]) => c.map((f) => path.relative(root, f));
    const found = cycles(graph).map(rel);
    const key = (c: readonly string[]) => c.join(' ↔ ');
    const known = new Set(KNOWN.map(key));
    expect(found.map(key).filter((k) => !known.has(k))).toEqual([]);
    expect(KNOWN.map(key).filter((k) => !found.some((c) => key(c) === k))).toEqual([]);
  });

  it('workspace packages depend on each other one way', () => {
    const graph = new Map<string, string[]>();
    for (const ws of workspaces) {
      const pkg = JSON.parse(readFileSync(path.join(root, ws, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      graph.set(pkg.name, Object.keys(pkg.dependencies ?? {}));
    }
    expect(cycles(graph)).toEqual([]);
  });
});
