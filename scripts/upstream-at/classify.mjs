#!/usr/bin/env node
// Sort the candidate's failures in an upstream-at run into cause classes (causes.mjs guesses each).
//   classify.mjs RUN_DIR [--baseline FILE] [--verbose|-v] [--tsv]
// RUN_DIR is $UPSTREAM_BUILD/runs/<suite>-cand (`./run --classify SUITE` passes it).  For every
// test of the baseline that did not pass there, prints the verdict and a guessed cause (with -v,
// the excerpt of the test's log it is based on); last, a table of tests per class.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { diagnose, short } from './causes.mjs';
import { parseBaseline, parseResults } from './verdicts.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/** lower-case table name -> schema name, for the class names ("SB rows: HA_Chassis_Group"). */
function schemaTables() {
  const tables = new Map();
  for (const dir of [join(HERE, '..', '..', 'schemas'), '/usr/share/ovn']) {
    for (const db of ['ovn-sb', 'ovn-nb']) {
      const file = join(dir, `${db}.ovsschema`);
      if (!existsSync(file)) continue;
      for (const name of Object.keys(JSON.parse(readFileSync(file, 'utf8')).tables)) {
        if (!tables.has(name.toLowerCase())) tables.set(name.toLowerCase(), name);
      }
    }
  }
  return tables;
}

function main() {
  const { values: a, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
      tsv: { type: 'boolean', default: false },
    },
  });
  const runDir = positionals[0];
  if (!runDir) throw new Error('usage: classify.mjs RUN_DIR [--baseline FILE] [-v] [--tsv]');
  const suite = basename(normalize(runDir)).split('-')[0];
  const baselineFile = a.baseline ?? join(HERE, `baseline-${suite}.txt`);
  const { passing } = parseBaseline(readFileSync(baselineFile, 'utf8'));
  const logFile = join(runDir, 'testsuite.log');
  if (!existsSync(logFile)) throw new Error(`no ${logFile}`);
  const results = parseResults(readFileSync(logFile, 'utf8'));
  const tables = schemaTables();

  const classes = new Map();
  let failing = 0;
  for (const n of [...passing.keys()].sort((x, y) => x - y)) {
    const r = results.get(n);
    if (!r || r.verdict === 'ok') continue;
    const testLog = join(runDir, 'testsuite.dir', String(n).padStart(4, '0'), 'testsuite.log');
    const text = existsSync(testLog) ? readFileSync(testLog, 'utf8') : '';
    const { cls, detail, excerpt } = diagnose(n, r.verdict, text, tables);
    failing++;
    classes.set(cls, [...(classes.get(cls) ?? []), n]);
    if (a.tsv) console.log([n, cls, detail, r.verdict, r.title].join('\t'));
    else console.log(`${n} ${short(r.title, 70)} | ${r.verdict} | ${cls}: ${detail}`);
    if (a.verbose) for (const l of excerpt.slice(0, 40)) console.log(`    ${l.slice(0, 200)}`);
  }
  console.log();
  console.log(`${'class'.padEnd(40)} count  examples`);
  for (const [cls, ns] of [...classes].sort((x, y) => y[1].length - x[1].length)) {
    const examples = ns.slice(0, 6).join(' ') + (ns.length > 6 ? ' ...' : '');
    console.log(`${cls.padEnd(40)} ${String(ns.length).padStart(5)}  ${examples}`);
  }
  console.log(`${failing} failing tests of ${passing.size} in the baseline`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`upstream-at: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
