import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

const names = (argv: string[]) => parseArgs(argv).commands.map((c) => c.argv.join(' '));

describe('ovn-nbctl command line', () => {
  it('splits commands on "--" and gives leading options to the first command', () => {
    const p = parseArgs(['--may-exist', 'ls-add', 'a', '--', '--if-exists', 'ls-del', 'b']);
    expect(p.commands.map((c) => [c.argv.join(' '), [...c.options.keys()]])).toEqual([
      ['ls-add a', ['--may-exist']],
      ['ls-del b', ['--if-exists']],
    ]);
  });
  it('global options, abbreviations, values', () => {
    const p = parseArgs(['--db=unix:x', '--form', 'table', '-t', '5', '--wait=hv', '--bare', 'ls-list']);
    expect(p.global).toMatchObject({
      db: 'unix:x',
      format: 'list',
      data: 'bare',
      headings: false,
      timeoutSec: 5,
      wait: 'hv',
    });
    expect(names(['--', 'ls-list'])).toEqual(['ls-list']);
  });
  it('errors with ovn-nbctl wording', () => {
    expect(() => parseArgs(['--nope'])).toThrow("unrecognized option '--nope'");
    expect(() => parseArgs(['--db'])).toThrow("option '--db' requires an argument");
    expect(() => parseArgs(['--help=1'])).toThrow("option '--help=1' doesn't allow an argument");
    expect(() => parseArgs(['ls-add', 'a', 'b'])).toThrow("'ls-add' command takes at most 1 arguments");
    expect(() => parseArgs(['lsp-add', 'a'])).toThrow("'lsp-add' command requires at least 2 arguments");
    expect(() => parseArgs(['--if-exists', 'ls-list'])).toThrow("'ls-list' command has no '--if-exists' option");
    expect(() => parseArgs(['--', '--id', 'get', 'T', 'r'])).toThrow(
      "missing argument to '--id' option on 'get' command",
    );
    expect(() => parseArgs(['frobnicate'])).toThrow("unknown command 'frobnicate'; use --help for help");
    expect(() => parseArgs([])).toThrow('missing command name (use --help for help)');
    expect(() => parseArgs(['--wait=x', 'sync'])).toThrow('argument to --wait must be "none", "sb", or "hv"');
  });
});
