// A first guess at why a test failed, from its own testsuite.log (pure; classify.mjs reads the files).
// Autotest stops a test at its first failing check, so the guess names what failed first:
// read the excerpt before trusting a class.

const LOC = /^(?:\S*\/)?([\w.+-]+\.at):(\d+): /;
// What autotest writes after "file.at:N: " when a check fails (rather than the check's command).
const VERDICT_TEXT = /^(?:exit code was|hard failure|wait failed|wait succeeded|skipped)/;
const MACRO_FILES = new Set(['ovn-macros.at', 'ovs-macros.at', 'ofproto-macros.at']);
// In v23.03.1, ovn-macros.at:418 is the body of the `check` helper: the command is on the line before.
const CHECK_HELPER = 'ovn-macros.at:418';
const STAGE = /table=\s*[\d?]+\s*\((\w+?)\s*\)/g;
const STAGE_NAME = /\b((?:ls|lr)_(?:in|out)_\w+)/g;
const DAEMON = '(?:ovn-northd|ovn-controller|ovn-nbctl)';

/** Whitespace collapsed, cut to n characters. */
export function short(s, n = 110) {
  const t = s.split(/\s+/).filter(Boolean).join(' ');
  return t.length <= n ? t : `${t.slice(0, n - 3)}...`;
}

function loc(line) {
  const m = LOC.exec(line);
  return m ? { file: m[1], where: `${m[1]}:${m[2]}`, rest: line.slice(m[0].length) } : undefined;
}

/** Index of the line where the failing check's output starts. */
export function excerptStart(lines, where) {
  let start;
  let hard = false;
  lines.forEach((l, i) => {
    const m = loc(l);
    if (!m || m.where !== where) return;
    if (VERDICT_TEXT.test(m.rest)) {
      hard = l.endsWith('hard failure');
      return;
    }
    start = i;
    hard = false;
  });
  if (hard) {
    // AT_FAIL_IF inside a helper (check_row_count, check_column, OVS_WAIT_*): what it printed
    // comes before, back to the previous check.
    let last = 0;
    lines.forEach((l, i) => {
      if (l.endsWith('hard failure')) last = i;
    });
    let j = last - 1;
    while (j > 0 && !LOC.test(lines[j]) && last - j < 400) j--;
    start = j;
  }
  if (start === undefined) {
    // Failed inside a helper macro: start at the last check of the test file itself.
    lines.forEach((l, i) => {
      const m = loc(l);
      if (m && !MACRO_FILES.has(m.file) && !VERDICT_TEXT.test(m.rest)) start = i;
    });
  }
  return start ?? Math.max(0, lines.length - 30);
}

/** The failing command: the check's own line, or the line before `check` runs it. */
export function commandOf(lines, ex, where) {
  if (ex.length === 0) return undefined;
  const m = loc(ex[0]);
  const first = m ? m.rest : ex[0];
  if (where === CHECK_HELPER && first.startsWith('"$@"')) {
    const i = lines.length - ex.length;
    return i > 0 ? lines[i - 1] : first;
  }
  return first;
}

const lastMatch = (re, text) => [...text.matchAll(re)].at(-1);

/** [class, detail] of one failure: the first rule that matches. `ex` is the tail of `lines` from excerptStart. */
export function classify(lines, ex, where) {
  const text = lines.join('\n');
  const extext = ex.join('\n');
  const cmd = commandOf(lines, ex, where);
  let m;
  if ((m = /(?:ovnts-[\w-]+|ovn-[\w-]+): unknown option (\S+)/.exec(text))) return ['flag not accepted', m[1]];
  if ((m = new RegExp(`cannot read pidfile "\\S*/(${DAEMON}\\.pid)" \\(No such process\\)`).exec(extext))) {
    return ['appctl -t NAME refused: pidfile not locked (or no control socket)', short(`${m[1]}; ${cmd ?? ''}`, 90)];
  }
  if (
    (m =
      new RegExp(`test -e \\S*?/?(${DAEMON}\\.pid)`).exec(extext) ??
      new RegExp(`cannot read pidfile \\S*/(${DAEMON}\\.pid)`).exec(extext))
  ) {
    return ["no pidfile under the real daemon's name", m[1]];
  }
  if ((m = new RegExp(`grep: \\S*?(${DAEMON}\\.log): No such file`).exec(extext))) {
    return ["no log file under the real daemon's name", m[1]];
  }
  if ((m = /"([\w/-]+)" is not a valid command/.exec(extext))) return ['appctl command missing', m[1]];
  if ((m = /cannot connect to "(\S+?\.ctl)"/.exec(extext))) return ['control socket missing', m[1].replace(/.*\//, '')];
  if (
    (m = lastMatch(/(\w+) table (\w+) has the following rows\. (\d+) rows match instead of expected (\d+)/g, extext))
  ) {
    const [, db, table, found, want] = m;
    const cond = lastMatch(/Waiting until \d+ rows in \w+ \w+(?: with (.*?))?\.\.\./g, text)?.[1];
    return [`${db.toUpperCase()} rows: ${table}`, `want ${want} found ${found}${cond ? ` (${short(cond, 60)})` : ''}`];
  }
  if ((m = lastMatch(/(\w+) in (\w+) table (\w+) has value (.*?), from the following rows/g, extext))) {
    const [, column, db, table, found] = m;
    return [`${db.toUpperCase()} column: ${table}.${column}`, short(`found (${found})`, 80)];
  }
  const macro = where.startsWith('ovn-macros.at');
  if (macro && (m = lastMatch(/Checking for (\d+) rows in (\w+) (\w+)(?: with (.*?))?\.\.\. found (\d+)/g, extext))) {
    const [, want, db, table, cond, found] = m;
    return [`${db.toUpperCase()} rows: ${table}`, `want ${want} found ${found}${cond ? ` (${short(cond, 60)})` : ''}`];
  }
  if (
    macro &&
    (m = lastMatch(/Checking values in (\w+) (\w+)(?: with (.*?))? against (.*?)\.\.\. found(.*)/g, extext))
  ) {
    const [, db, table, cond, want, found] = m;
    return [`${db.toUpperCase()} column: ${table}`, short(`${cond ?? ''} want (${want}) found (${found.trim()})`, 100)];
  }
  if ((m = /unknown datapath "([^"]*)"/.exec(extext))) return ['ovn-trace: unknown datapath', m[1]];
  if ((m = /no row "([^"]*)" in table (\w+)/.exec(extext))) return [`SB lookup by name fails: ${m[2]}`, m[1]];
  if (
    extext.includes('exit code was 142') ||
    (/Alarm clock\s+ovn-nbctl[^\n]*--wait=(?:sb|hv)/.test(extext) && !extext.includes('exit code was'))
  ) {
    return ['nbctl --wait timed out', short(cmd ?? '', 80)];
  }
  // Unified diff lines only (autotest dumps AT_CAPTURE_FILE contents as "> " lines after it).
  const diff = ex.filter((l) => /^[-+](?![-+]{2} )/.test(l));
  let stages = [...new Set(diff.flatMap((l) => [...l.matchAll(STAGE)].map((s) => s[1])))];
  if (stages.length === 0 && cmd) stages = [...new Set([...cmd.matchAll(STAGE_NAME)].map((s) => s[1]))];
  const flowish = cmd !== undefined && /lflow-list|dump-flows|flows\b|flows[0-9]|_flows|lflows/.test(cmd);
  if (stages.length > 0 && (flowish || diff.length > 0)) return ['lflows differ', stages.slice(0, 4).join(',')];
  if (flowish) return ['lflows differ', short(cmd, 80)];
  if (extext.includes('wait failed after')) {
    const waits = lines.filter((l) => /: waiting (?:until|while) /.test(l));
    const w = waits.length > 0 ? /: waiting (until|while) (.*?)(?:\.\.\.)?$/.exec(waits.at(-1)) : null;
    return ['timeout waiting', short(w ? `${w[1]} ${w[2]}` : '', 100)];
  }
  if (diff.length > 0) return ['output differs', short(`${cmd ?? ''} => ${diff.slice(0, 2).join(' | ')}`, 110)];
  if ((m = /exit code was (\d+), expected (\d+)/.exec(extext))) {
    return ['exit status differs', short(`${cmd}: ${m[1]} instead of ${m[2]}`, 110)];
  }
  return ['other', short(cmd ?? ex[0] ?? '', 100)];
}

/** 'SB rows: ha_chassis_group' -> 'SB rows: HA_Chassis_Group', given lower-case table name -> name. */
export function canon(cls, tables) {
  return cls.replace(/(rows|column): (\w+)/, (_, kind, t) => `${kind}: ${tables.get(t.toLowerCase()) ?? t}`);
}

/**
 * The cause of test `n`'s failure, from its verdict ("FAILED (file.at:N)") and the text of
 * testsuite.dir/NNNN/testsuite.log.
 */
export function diagnose(n, verdict, logText, tables = new Map()) {
  const lines = logText.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const own = lines.filter((l) => !l.startsWith(`${n}. `)); // the final verdict line
  let where = /\((.*?)\)/.exec(verdict)?.[1] ?? '';
  if (!/^[\w.+-]+\.at:\d+$/.test(where)) {
    // autotest sometimes names a word of the command instead of file:line
    for (const l of own) {
      const m = loc(l);
      if (m && VERDICT_TEXT.test(m.rest)) where = m.where;
    }
  }
  const excerpt = own.slice(excerptStart(own, where));
  const [cls, detail] = classify(own, excerpt, where);
  return { cls: canon(cls, tables), detail, excerpt };
}
