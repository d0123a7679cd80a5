import { describe, expect, it } from 'vitest';
import { COMMANDS } from './syntax.js';
import { commandHelp, commandOf, HELP_SECTIONS } from './help.js';
import { usage } from './usage.js';

describe('ovnts-nbctl --help', () => {
  it('shows every command of the syntax table with its arguments, once', () => {
    const shown = HELP_SECTIONS.flatMap(([, entries]) => entries.map(([syntax]) => commandOf(syntax)));
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual([...COMMANDS.keys()].sort());
  });

  it("lists each command's own options in its syntax line", () => {
    for (const [, entries] of HELP_SECTIONS)
      for (const [syntax] of entries) {
        const opts = COMMANDS.get(commandOf(syntax))!.options;
        for (const o of opts ? opts.split(',') : []) expect(syntax, syntax).toContain(o.replace(/[=?]$/, ''));
      }
  });

  it("lays out syntax and description as ovn-nbctl's help does", () => {
    const text = usage('ovnts-nbctl', 'unix:/r/ovnnb_db.sock');
    expect(text).toContain(
      '\n  [--if-exists] ls-del SWITCH\n                            delete SWITCH with its ports\n',
    );
    expect(text).toContain('\n  ls-list                   list logical switches\n');
    expect(commandHelp()).toMatch(/^\nGeneral commands:\n {2}init {22}/);
  });
});
