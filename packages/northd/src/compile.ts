// The pure compiler: NB input (+ current SB keys) → the complete desired content of the SB tables
// northd owns. No I/O; the same input always yields the same output. It is a forced full run of the
// incremental engine's graph (engine/graph.ts) on a fresh engine: there is one way to build the output.
import type { CompiledSb, CompileOptions } from './compiled-sb.js';
import type { NbInput } from './input.js';
import { NorthdEngine } from './engine/northd-engine.js';
export { NORTHD_INTERNAL_VERSION } from './global-options.js';
// The output types live apart so the engine can name them without importing this module back.
export type { CompiledSb, CompileOptions } from './compiled-sb.js';

export function compile(nb: NbInput, opts: CompileOptions = {}): CompiledSb {
  const engine = new NorthdEngine();
  engine.recompute(nb, opts.sb);
  return engine.compiled();
}
