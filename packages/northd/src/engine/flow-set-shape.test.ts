// KEPT_COLLECTOR (flow-set.ts): UnitCollector.add keeps its optimized code when a round's collectors are gone.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collect, UnitCollector } from './flow-set.js';

// V8's own view of a function (natives syntax, enabled for the functions compiled after the flag).
setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const native = (call: string) => new Function('f', `return %${call}(f)`) as (f: unknown) => number;
const status = native('GetOptimizationStatus');
const prepare = native('PrepareFunctionForOptimization');
const optimizeNext = native('OptimizeFunctionOnNextCall');
/** V8's OptimizationStatus bits (runtime-test.cc): optimized code attached, by TurboFan. */
const TURBOFANNED = (1 << 4) | (1 << 6);

describe('UnitCollector shape', () => {
  it('a full collection after a round does not discard the optimized add (its shape stays alive)', () => {
    const { add } = UnitCollector.prototype;
    const round = () =>
      collect((fn) => {
        for (let i = 0; i < 50; i++) fn('ls_in_acl', i, `reg0 == ${i}`, 'next;', i % 2 ? 'p1' : undefined);
      }).length;
    prepare(add);
    round();
    round();
    optimizeNext(add);
    expect(round()).toBe(50);
    expect((status(add) & TURBOFANNED) === TURBOFANNED, `status ${status(add).toString(2)}`).toBe(true);
    // Every collector of the rounds is garbage now.
    gc();
    gc();
    expect((status(add) & TURBOFANNED) === TURBOFANNED, `status ${status(add).toString(2)}`).toBe(true);
  });
});
