// The pure parts of scripts/upstream-at (the upstream autotest runner): reading autotest's
// output and the baselines, the verdict table and the failure causes. The runner itself needs
// OVN's source tree, so it is not part of npm test; these need nothing.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../scripts/upstream-at/causes.mjs';
import {
  formatBaseline,
  mergeBaseline,
  parseBaseline,
  parseListing,
  parseResults,
  verdictTable,
} from '../scripts/upstream-at/verdicts.mjs';

// Lines as autotest 2.71 writes them in testsuite.log with -j2 (abridged).
const LOG = [
  '947: check from NBDB to SBDB -- ovn-northd -- parallelization=no ok',
  '947. check from NBDB to SBDB -- ovn-northd -- parallelization=no (ovn-northd.at:3): ok     (0m1.018s 0m1.338s)',
  '948. ovn-northd.at:74: testing check up state of VIF LSP -- ovn-northd -- parallelization=yes ...',
  '948. ovn-northd.at:74: 948. check up state of VIF LSP -- ovn-northd -- parallelization=yes (ovn-northd.at:74): FAILED (ovs-macros.at:257)',
  '1199. ovn-nbctl - daemon retry connection (ovn-nbctl.at:2619): skipped (ovn-nbctl.at:2620)',
].join('\n');

const BASELINE = [
  '# upstream-at baseline, suite northd (v23.03.1): ...',
  '# number<TAB>title of each passing test:',
  '946\tcheck from NBDB to SBDB -- ovn-northd -- parallelization=yes',
  '947\tcheck from NBDB to SBDB -- ovn-northd -- parallelization=no',
  '948\tcheck up state of VIF LSP -- ovn-northd -- parallelization=yes',
  '# Not passing with the real binaries (excluded from the counts):',
  '# 1199\tskipped (ovn-nbctl.at:2620)\tovn-nbctl - daemon retry connection',
  '',
].join('\n');

describe('upstream-at verdicts', () => {
  it('reads result lines, not progress lines', () => {
    const r = parseResults(LOG);
    expect([...r.keys()]).toEqual([947, 948, 1199]);
    expect(r.get(947)).toEqual({
      title: 'check from NBDB to SBDB -- ovn-northd -- parallelization=no',
      at: 'ovn-northd.at:3',
      verdict: 'ok',
    });
    expect(r.get(948)?.title).toBe('check up state of VIF LSP -- ovn-northd -- parallelization=yes');
    expect(r.get(948)?.verdict).toBe('FAILED (ovs-macros.at:257)');
    expect(r.get(1199)?.verdict).toBe('skipped (ovn-nbctl.at:2620)');
  });

  it('selects the listed tests of the wanted .at files', () => {
    const listing = [
      '## ovn 23.03.1 test suite. ##',
      '  946: ovn-northd.at:3     check from NBDB to SBDB -- ovn-northd -- parallelization=yes',
      '      ovn-northd',
      ' 1135: ovn-nbctl.at:56    ovn-nbctl - basic switch commands - direct',
    ].join('\n');
    expect(parseListing(listing, ['ovn-northd.at'])).toEqual([946]);
    expect(parseListing(listing, ['ovn-nbctl.at', 'ovn-northd.at'])).toEqual([946, 1135]);
  });

  it('counts only baseline tests; a test the candidate did not finish fails', () => {
    const t = verdictTable([946, 947, 948, 1199], parseBaseline(BASELINE), parseResults(LOG));
    expect(t.lines).toEqual([
      '946\tcheck from NBDB to SBDB -- ovn-northd -- parallelization=yes\treal: ok\tcand: no result',
      '947\tcheck from NBDB to SBDB -- ovn-northd -- parallelization=no\treal: ok\tcand: ok',
      '948\tcheck up state of VIF LSP -- ovn-northd -- parallelization=yes\treal: ok\tcand: FAILED (ovs-macros.at:257)',
      '1199\tovn-nbctl - daemon retry connection\treal: skipped (ovn-nbctl.at:2620)\tcand: skipped (ovn-nbctl.at:2620)',
    ]);
    expect([t.passed, t.failed, t.counted]).toEqual([1, 2, 3]);
    const again = verdictTable([947], parseBaseline(BASELINE), parseResults(LOG), 'again');
    expect(again.lines[0]).toMatch(/\treal: ok\tagain: ok$/);
  });

  it('a baseline takes what passed twice, marks one pass of two flaky, keeps unselected tests', () => {
    const title = (n: number) => `test ${n}`;
    const run = (entries: [number, string][]) =>
      new Map(entries.map(([n, verdict]) => [n, { title: title(n), at: 'x.at:1', verdict }]));
    const old = parseBaseline('1\told title\n5\tnot selected\n');
    const merged = mergeBaseline(
      old,
      [1, 2, 3, 4],
      run([
        [1, 'ok'],
        [2, 'ok'],
        [3, 'FAILED (x.at:9)'],
      ]),
      run([
        [1, 'ok'],
        [2, 'FAILED (x.at:7)'],
        [3, 'FAILED (x.at:9)'],
        [4, 'ok'],
      ]),
    );
    expect([...merged.passing].sort((a, b) => a[0] - b[0])).toEqual([
      [1, 'test 1'],
      [5, 'not selected'],
    ]);
    expect(merged.others.get(2)?.verdict).toBe('flaky (ok once of 2; other run: FAILED (x.at:7))');
    expect(merged.others.get(3)?.verdict).toBe('FAILED (x.at:9)');
    expect(merged.others.get(4)?.verdict).toBe('flaky (ok once of 2; other run: no result)');

    const text = formatBaseline(merged, {
      suite: 'nbctl',
      ovnTag: 'v23.03.1',
      date: '2026-12-06',
      selected: 4,
      walls: [60, 61],
    });
    expect(text).toContain('last runs (4 tests) took 60 s and 61 s; 2 of 5 tests pass.');
    expect(parseBaseline(text)).toEqual(merged);
  });

  it('rejects a malformed baseline line', () => {
    expect(() => parseBaseline('946 no tab\n')).toThrow(/bad baseline line/);
  });
});

describe('upstream-at failure causes', () => {
  const at = '/work/upstream-build/ovn/tests';
  it('a row-count wait that timed out names the table and the condition', () => {
    const log = [
      '948. ovn-northd.at:74: testing check up state of VIF LSP -- ovn-northd -- parallelization=yes ...',
      'ovn-macros.at:469: waiting until ...',
      'Waiting until 1 rows in nb Logical_Switch_Port with name=S1-vm1 up=true...',
      'ovn-macros.at:469: wait failed after 30 seconds',
      'nb table Logical_Switch_Port has the following rows. 0 rows match instead of expected 1:',
      'name                : S1-vm1',
      `${at}/ovs-macros.at:257: hard failure`,
      '948. ovn-northd.at:74: 948. check up state of VIF LSP (ovn-northd.at:74): FAILED (ovs-macros.at:257)',
    ].join('\n');
    const tables = new Map([['logical_switch_port', 'Logical_Switch_Port']]);
    const d = diagnose(948, 'FAILED (ovs-macros.at:257)', log, tables);
    expect([d.cls, d.detail]).toEqual(['NB rows: Logical_Switch_Port', 'want 1 found 0 (name=S1-vm1 up=true)']);
    expect(d.excerpt[0]).toBe('ovn-macros.at:469: wait failed after 30 seconds');
  });

  it('a diff of the checked output, and a wrong exit status', () => {
    const diff = [
      `${at}/ovn-northd.at:159: ovn-sbctl get Port_Binding \${uuid} options:ipv6_ra_send_periodic`,
      '--- -\t2026-12-06 12:08:26.164126318 +0000',
      '+++ /tmp/stdout\t2026-12-06 12:08:26.058023608 +0000',
      '@@ -1,2 +1 @@',
      '-"true"',
      `${at}/ovn-northd.at:159: exit code was 1, expected 0`,
    ].join('\n');
    expect(diagnose(958, 'FAILED (ovn-northd.at:159)', diff).cls).toBe('output differs');

    const status = [
      `${at}/ovn-northd.at:89: test x\`ovn-nbctl lsp-get-up S1-R1\` = xup`,
      `${at}/ovn-northd.at:89: exit code was 1, expected 0`,
    ].join('\n');
    expect(diagnose(950, 'FAILED (ovn-northd.at:89)', status)).toMatchObject({
      cls: 'exit status differs',
      detail: 'test x`ovn-nbctl lsp-get-up S1-R1` = xup: 1 instead of 0',
    });
  });

  it('a flag the candidate rejects, and differing logical flows', () => {
    const flag = 'ovnts-northd: unknown option --n-threads=4\n' + `${at}/ovn-macros.at:418: "$@"\n`;
    expect(diagnose(946, 'FAILED (ovn-macros.at:418)', flag)).toMatchObject({
      cls: 'flag not accepted',
      detail: '--n-threads=4',
    });
    const flows = [
      `${at}/ovn-northd.at:700: grep ls_in_acl lflows | sort`,
      '--- -',
      '+++ /tmp/stdout',
      '-  table=8 (ls_in_acl          ), priority=1001 , match=(ip4), action=(next;)',
    ].join('\n');
    expect(diagnose(990, 'FAILED (ovn-northd.at:700)', flows)).toMatchObject({
      cls: 'lflows differ',
      detail: 'ls_in_acl',
    });
  });
});
