// Stopwatches: OVS's `stopwatch/show` text for one timer and for all, the error for an unknown name, reset.
import { describe, expect, it } from 'vitest';
import { Stopwatch, Stopwatches } from './stopwatch.js';
import { UnixctlError } from './unixctl.js';

describe('stopwatch', () => {
  it('prints the statistics of its samples as OVS does', () => {
    const sw = new Stopwatch();
    for (const ms of [10, 30, 20.4]) sw.add(ms);
    expect(sw.format('ovn-northd-loop')).toBe(
      "Statistics for 'ovn-northd-loop'\n" +
        '  Total samples: 3\n' +
        '  Maximum: 30 msec\n' +
        '  Minimum: 10 msec\n' +
        '  95th percentile: 30.000000 msec\n' +
        // short term: 10 → 20 → 20 (weight 0.5); long term: 10 → 10.2 → 10.298 (weight 0.01)
        '  Short term average: 20.000000 msec\n' +
        '  Long term average: 10.298000 msec\n',
    );
  });

  it('times a sample from start to stop, ignoring a nested start', () => {
    const sw = new Stopwatch();
    sw.start(100);
    sw.start(150);
    sw.stop(142);
    sw.stop(500);
    expect(sw.format('x')).toMatch(/Total samples: 1\n {2}Maximum: 42 msec/);
  });

  it('shows all in creation order, one by name, and refuses an unknown name', () => {
    const all = new Stopwatches(['b', 'a']);
    all.add('a', 5);
    expect(all.show().match(/^Statistics for '(\w)'/gm)).toEqual(["Statistics for 'b'", "Statistics for 'a'"]);
    expect(all.show('a')).toMatch(/Total samples: 1/);
    expect(() => all.show('nope')).toThrow(new UnixctlError('No such stopwatch'));
  });

  it('resets one or all', () => {
    const all = new Stopwatches(['a', 'b']);
    all.add('a', 5);
    all.add('b', 7);
    all.reset('a');
    expect(all.show('a')).toMatch(
      /Total samples: 0\n {2}Maximum: 0 msec\n {2}Minimum: 0 msec\n {2}95th percentile: 0\.000000/,
    );
    expect(all.show('b')).toMatch(/Total samples: 1/);
    all.reset();
    expect(all.show('b')).toMatch(/Total samples: 0/);
  });
});
