import { describe, expect, it } from 'vitest';
import { getoptLong, type OptionDef } from './getopt.js';

const defs: OptionDef[] = [
  { name: 'pidfile', arg: 'optional' },
  { name: 'n-threads', arg: 'required' },
  { name: 'detach', arg: 'none' },
  { name: 'verbose', arg: 'optional', short: 'v' },
  { name: 'private-key', arg: 'required', short: 'p' },
];

describe('getoptLong', () => {
  it('reads long, short, bundled and abbreviated options as getopt_long does', () => {
    const r = getoptLong(
      ['--pidfile', '--n-threads', '4', '--det', '-vconsole:off', '-v', '-p', 'k.pem', 'unix:/db', '--pidfile=x'],
      defs,
    );
    expect(r.options).toEqual([
      { name: 'pidfile', value: undefined },
      { name: 'n-threads', value: '4' },
      { name: 'detach', value: undefined },
      { name: 'verbose', value: 'console:off' },
      { name: 'verbose', value: undefined },
      { name: 'private-key', value: 'k.pem' },
      { name: 'pidfile', value: 'x' },
    ]);
    expect(r.operands).toEqual(['unix:/db']);
    expect(r.errors).toEqual([]);
  });

  it("reports bad options in getopt's words and goes on", () => {
    const r = getoptLong(['--frob', '--detach=1', '-x', '--n-threads'], defs);
    expect(r.errors).toEqual([
      "unrecognized option '--frob'",
      "option '--detach' doesn't allow an argument",
      "invalid option -- 'x'",
      "option '--n-threads' requires an argument",
    ]);
    expect(getoptLong(['--', '--detach'], defs).operands).toEqual(['--detach']);
  });
});
