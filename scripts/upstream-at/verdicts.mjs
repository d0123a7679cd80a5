// Pure parts of the upstream-at runner (no I/O, unit-tested in test/upstream-at-verdicts.test.ts):
// autotest's `testsuite -l` listing and testsuite.log, the baseline files, and the verdict table
// whose last line is "<P> passed, <F> failed".

// A test's result line in testsuite.log, e.g.
//   "947. check from NBDB to SBDB -- ovn-northd -- parallelization=no (ovn-northd.at:3): ok     (0m1.018s ...)"
// (serial runs prefix "file.at:N: NNN. "; failures read "FAILED (file.at:N)").
const RESULT =
  /^(\d+)\. (?:[\w.+-]+\.at:\d+: \d+\. )?(.*) \(([\w.+-]+\.at:\d+)\): (ok|FAILED \(.*?\)|skipped \(.*?\)|expected failure \(.*?\)|UNEXPECTED PASS)/;

// A line of `testsuite -l`: " 1135: ovn-nbctl.at:56    ovn-nbctl - basic switch commands - direct".
const LISTED = /^\s*(\d+): (\S+?):\d+\s/;

// A line of a baseline file: "NNN<TAB>title" (passes), "# NNN<TAB>verdict<TAB>title" (does not).
const OTHER = /^# (\d+)\t([^\t]*)\t(.*)$/;

/** number -> result, from the text of a testsuite.log. */
export function parseResults(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = RESULT.exec(line);
    if (m) out.set(Number(m[1]), { title: m[2], at: m[3], verdict: m[4] });
  }
  return out;
}

/** Test numbers of `testsuite -l` output that belong to one of the .at files, in listing order. */
export function parseListing(text, atFiles) {
  const files = new Set(atFiles);
  const out = [];
  for (const line of text.split('\n')) {
    const m = LISTED.exec(line);
    if (m && files.has(m[2])) out.push(Number(m[1]));
  }
  return out;
}

export function parseBaseline(text) {
  const passing = new Map();
  const others = new Map();
  for (const line of text.split('\n')) {
    const m = OTHER.exec(line);
    if (m) {
      others.set(Number(m[1]), { verdict: m[2], title: m[3] });
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    if (tab < 0 || !/^\d+$/.test(line.slice(0, tab))) throw new Error(`bad baseline line: ${line}`);
    passing.set(Number(line.slice(0, tab)), line.slice(tab + 1));
  }
  return { passing, others };
}

/**
 * The baseline after two runs of the real binaries over `selected`: a test passes only if it passed
 * both times; one pass of two is recorded as flaky.  Tests that were not selected keep their entries.
 */
export function mergeBaseline(old, selected, run1, run2) {
  const passing = new Map(old.passing);
  const others = new Map(old.others);
  for (const n of selected) {
    passing.delete(n);
    others.delete(n);
    const v1 = run1.get(n)?.verdict ?? 'no result';
    const v2 = run2.get(n)?.verdict ?? 'no result';
    const title = run2.get(n)?.title ?? run1.get(n)?.title ?? '?';
    if (v1 === 'ok' && v2 === 'ok') passing.set(n, title);
    else if (v1 === 'ok' || v2 === 'ok')
      others.set(n, { verdict: `flaky (ok once of 2; other run: ${v1 === 'ok' ? v2 : v1})`, title });
    else others.set(n, { verdict: v2, title });
  }
  return { passing, others };
}

const byNumber = (a, b) => a - b;

/** The text of a baseline file (header, passing tests, then the others as comments). */
export function formatBaseline(b, info) {
  const total = b.passing.size + b.others.size;
  const lines = [
    `# upstream-at baseline, suite ${info.suite} (${info.ovnTag}): tests that passed in both of two runs`,
    `# with the installed OVN/OVS binaries (scripts/upstream-at/run --baseline ${info.suite}).`,
    `# written ${info.date}; last runs (${info.selected} tests) took ${info.walls[0] ?? '?'} s and ${info.walls[1] ?? '?'} s; ` +
      `${b.passing.size} of ${total} tests pass.`,
    '# number<TAB>title of each passing test:',
  ];
  for (const n of [...b.passing.keys()].sort(byNumber)) lines.push(`${n}\t${b.passing.get(n)}`);
  lines.push('# Not passing with the real binaries (excluded from the counts):');
  for (const n of [...b.others.keys()].sort(byNumber)) {
    const o = b.others.get(n);
    lines.push(`# ${n}\t${o.verdict}\t${o.title}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * One line per selected test ("N<TAB>title<TAB>real: V<TAB>cand: V", `label` instead of "cand") and
 * the counts over the tests that pass with the real binaries: those the run did not pass (or did
 * not run) fail.
 */
export function verdictTable(selected, baseline, results, label = 'cand') {
  const lines = [];
  let passed = 0;
  let failed = 0;
  for (const n of selected) {
    const inBaseline = baseline.passing.has(n);
    const other = baseline.others.get(n);
    const title = baseline.passing.get(n) ?? other?.title ?? results.get(n)?.title ?? '?';
    const real = inBaseline ? 'ok' : (other?.verdict ?? 'not in baseline');
    const cand = results.get(n)?.verdict ?? (inBaseline ? 'no result' : 'not run');
    lines.push(`${n}\t${title}\treal: ${real}\t${label}: ${cand}`);
    if (!inBaseline) continue;
    if (cand === 'ok') passed++;
    else failed++;
  }
  return { lines, passed, failed, counted: passed + failed };
}
