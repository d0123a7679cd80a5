import { describe, expect, it } from 'vitest';
import { parseVlogSpec, VlogSpecError } from './spec.js';

const modules = ['jsonrpc', 'socket_util', 'ovn_northd'];
const moduleOf = (w: string) => modules.find((m) => m === w.toLowerCase());
const parse = (s: string) => parseVlogSpec(s, moduleOf);

describe('vlog spec', () => {
  it('reads module, destination and level in any order, with any separator', () => {
    expect(parse('console:off')).toEqual({ kind: 'levels', module: null, destination: 'console', level: 'off' });
    expect(parse('jsonrpc:file:dbg')).toEqual({ kind: 'levels', module: 'jsonrpc', destination: 'file', level: 'dbg' });
    expect(parse('dbg,JSONRPC file')).toEqual({ kind: 'levels', module: 'jsonrpc', destination: 'file', level: 'dbg' });
    expect(parse('ANY:file:info')).toEqual({ kind: 'levels', module: null, destination: 'file', level: 'info' });
    expect(parse('socket_util:off')).toEqual({
      kind: 'levels',
      module: 'socket_util',
      destination: null,
      level: 'off',
    });
  });

  it('defaults the level to dbg (a bare -vMODULE)', () => {
    expect(parse('jsonrpc')).toEqual({ kind: 'levels', module: 'jsonrpc', destination: null, level: 'dbg' });
    expect(parse('')).toEqual({ kind: 'levels', module: null, destination: null, level: 'dbg' });
  });

  it('reads patterns and facilities', () => {
    expect(parse('PATTERN:file:%D|%m:x')).toEqual({ kind: 'pattern', destination: 'file', pattern: '%D|%m:x' });
    expect(parse('pattern:ANY:%m')).toEqual({ kind: 'pattern', destination: null, pattern: '%m' });
    expect(parse('FACILITY:daemon')).toEqual({ kind: 'facility', facility: 'daemon' });
  });

  it("rejects what OVS rejects, with OVS's texts", () => {
    const err = (s: string) => {
      try {
        parse(s);
      } catch (e) {
        expect(e).toBeInstanceOf(VlogSpecError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('foo')).toBe('no destination, level, or module "foo"');
    expect(err('console:warn:info')).toBe('cannot specify multiple levels');
    expect(err('console:file')).toBe('cannot specify multiple destinations');
    expect(err('jsonrpc:ovn_northd')).toBe('cannot specify multiple modules');
    expect(err('PATTERN')).toBe('missing destination');
    expect(err('PATTERN:disk:%m')).toBe('unknown destination "disk"');
    expect(err('FACILITY:nope')).toBe('invalid facility');
  });
});
