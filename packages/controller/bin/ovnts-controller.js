#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2 --heap-growing-percent=20 --interrupt-budget=400000
// Thin launcher: the program lives in src/bin/ovnts-controller.ts (built to dist/bin/ovnts-controller.js by `npm run build`).
// MALLOC_ARENA_MAX=2: glibc otherwise gives each thread that mallocs (V8's GC and compiler workers, libuv's pool) its
// own arena, up to 8 per core, each keeping its freed memory (chassis bench 100×50: peak RSS 184.5 → 170.1 MB). Set
// here, so a daemon in the foreground and one --detach starts (the child inherits it) have the same malloc; glibc
// reads it at process start. Issue 24's soak, 60k edits seed 2, both ways in the same minutes (load ~15): RSS after
// warm-up → end 98.6 → 107.2 (+8.7 %) and 98.7 → 107.7 MiB (+9.1 %) without, 97.3 → 98.3 (+1.0 %) and
// 96.0 → 101.3 MiB (+5.5 %) with. (ovnts-northd: 106.3 → 110.7 (+4.2 %) without, 98.1 → 105.5 (+7.6 %) with; its
// launcher does not set it.)
// --max-semi-space-size=2: a young generation of at most 2 × 2 MB instead of V8's up to 2 × 16 MB, which V8 grows
// to under a steady stream of rounds and keeps: resident size that grows through a long run without a leak
// (issue 24's soak). 2 rather than ovnts-northd's 4: a chassis's peak RSS is its live heap plus the young
// generation at the first install (chassis bench 100×50, same build, same minutes: 170.3 → 166.7 MB and
// 166.6 → 159.8 MB; start CPU 9.46 → 11.25 s and 10.43 → 10.87 s at load 15–30, within that load's noise). --heap-growing-percent=20: after each full collection the old
// generation may grow by 20 % before the next one, where V8 otherwise lets a fast-allocating start grow it
// by up to 4× (chassis bench 100×50: peak RSS 272 → 229 MB, start CPU 10.2 → 10.7 s). The flags must be given
// at start, hence here.
// --interrupt-budget=400000 (V8's default 67584, about 6×): a function is optimized by TurboFan after about 6 times
// as much of its bytecode has run. A chassis runs each round's functions once per round (recompute, localDatapaths,
// planBindings, the replica's decode...), and V8 optimized them one after another through a controller's first
// hundreds of rounds: in the density bench (5 chassis, 60-100 pods) 28 % of the controllers' CPU over the pod phase
// was TurboFan compiling (perf, --perf-basic-prof; recompute alone 0.43 s of compile job, localDatapaths and
// planBindings 0.17 s each: --log-function-events), more than the rounds it sped up. The start's loops (tens of
// thousands of flows) still reach the budget within their first iterations. Density bench, 5 chassis × 60 pods,
// the same minutes, load 5–7: warm CPU per pod per chassis 10.9, 12.1, 10.9, 12.1, 13.0 ms without, 9.9, 8.7 with
// (8.8 with 1000000); lower budgets cost more (16384: 20.8 ms), --no-flush-bytecode, --maglev and a smaller
// inlining budget changed nothing measurable.
// `npm run build` also bundles dist into one file (scripts/bundle.mjs), which loads ~0.3 s of CPU faster; it runs
// unless one of the tsc builds it was made from is newer (a later `tsc -b` alone: dist runs).
import { daemonEntry } from '@ovnts/daemon/launcher';

// The plain build: '../dist/bin/ovnts-controller.js'.
await import(daemonEntry(import.meta.url, 'ovnts-controller'));
