#!/usr/bin/env node
// The file side of the upstream-at runner (./run calls it; the logic is in verdicts.mjs):
//   report.mjs select FILE.at...            stdin: `testsuite -l`; prints the numbers of those files' tests
//   report.mjs report --suite S --runs DIR --baseline-file F --selected "N..." [--self-test] [--write-baseline]
//       prints one line per test and, last, "<P> passed, <F> failed"; exit 1 when F > 0.
//       --write-baseline first merges DIR/S-real1 and DIR/S-real (two real runs) into F.
//       --self-test reads the real run (DIR/S-real) instead of the candidate's (DIR/S-cand).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBaseline, mergeBaseline, parseBaseline, parseListing, parseResults, verdictTable } from './verdicts.mjs';

const readIf = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
const results = (runDir) => parseResults(readIf(join(runDir, 'testsuite.log')));

function wall(runDir) {
  const s = readIf(join(runDir, 'wall_s')).trim();
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

function select(files) {
  const numbers = parseListing(readFileSync(0, 'utf8'), files);
  if (numbers.length > 0) process.stdout.write(numbers.join('\n') + '\n');
  return 0;
}

function report(argv) {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string' },
      runs: { type: 'string' },
      'baseline-file': { type: 'string' },
      selected: { type: 'string' },
      mode: { type: 'string', default: 'strict' },
      'ovn-tag': { type: 'string', default: '' },
      'write-baseline': { type: 'boolean', default: false },
      'self-test': { type: 'boolean', default: false },
    },
  });
  if (!a.suite || !a.runs || !a['baseline-file'] || a.selected === undefined) {
    throw new Error('report needs --suite, --runs, --baseline-file and --selected');
  }
  const selected = a.selected.split(/\s+/).filter(Boolean).map(Number);
  const realDir = join(a.runs, `${a.suite}-real`);
  const file = a['baseline-file'];

  if (a['write-baseline']) {
    const real1 = join(a.runs, `${a.suite}-real1`);
    const merged = mergeBaseline(parseBaseline(readIf(file)), selected, results(real1), results(realDir));
    const date = new Date().toISOString().slice(0, 10);
    const walls = [wall(real1), wall(realDir)];
    writeFileSync(
      file,
      formatBaseline(merged, { suite: a.suite, ovnTag: a['ovn-tag'], date, selected: selected.length, walls }),
    );
    const total = merged.passing.size + merged.others.size;
    process.stderr.write(`upstream-at: wrote ${file}: ${merged.passing.size} of ${total} pass\n`);
  }

  const baseline = parseBaseline(readIf(file));
  const runDir = a['self-test'] ? realDir : join(a.runs, `${a.suite}-cand`);
  // A self-test compares a fresh real run ("again:") with the baseline's verdicts ("real:").
  const table = verdictTable(selected, baseline, results(runDir), a['self-test'] ? 'again' : 'cand');
  const label = a['self-test'] ? 'real (self-test)' : 'candidate';
  const lines = [
    ...table.lines,
    `# ${label} run: ${runDir}, mode ${a.mode}, wall ${wall(runDir) ?? '?'} s; ` +
      `${table.counted} of ${selected.length} selected tests pass with the real binaries`,
    `${table.passed} passed, ${table.failed} failed`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return table.failed === 0 ? 0 : 1;
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'select') process.exitCode = select(rest);
  else if (command === 'report') process.exitCode = report(rest);
  else throw new Error(`usage: report.mjs select FILE.at... | report --suite S ... (got ${command ?? 'nothing'})`);
} catch (e) {
  process.stderr.write(`upstream-at: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
