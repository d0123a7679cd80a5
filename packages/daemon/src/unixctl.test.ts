import { describe, expect, it } from 'vitest';
import { UnixctlError, UnixctlServer } from './unixctl.js';

describe('UnixctlServer', () => {
  const ctl = new UnixctlServer('/nonexistent.ctl', 'prog 1.0\n');
  ctl.register('status', '', 0, 0, () => 'Status: active');
  ctl.register('set-n', 'N', 1, 1, (a) => {
    if (a[0] === '0') throw new UnixctlError('invalid n: 0');
  });

  it("answers as OVS's unixctl server: replies end in a newline, argument counts checked", async () => {
    expect(await ctl.run('status', [])).toEqual({ result: 'Status: active\n', error: null });
    expect(await ctl.run('set-n', ['2'])).toEqual({ result: '', error: null });
    expect(await ctl.run('set-n', ['0'])).toEqual({ result: null, error: 'invalid n: 0\n' });
    expect(await ctl.run('set-n', [])).toEqual({
      result: null,
      error: '"set-n" command requires at least 1 arguments\n',
    });
    expect(await ctl.run('status', ['x'])).toEqual({
      result: null,
      error: '"status" command takes at most 0 arguments\n',
    });
    expect((await ctl.run('nope', [])).error).toBe(
      '"nope" is not a valid command (use "list-commands" to see a list of valid commands)\n',
    );
    expect(await ctl.run('version', [])).toEqual({ result: 'prog 1.0\n', error: null });
  });

  it('lists commands with their usage, sorted', async () => {
    expect((await ctl.run('list-commands', [])).result).toBe(
      'The available commands are:\n' +
        '  list-commands           \n' +
        '  set-n                   N\n' +
        '  status                  \n' +
        '  version                 \n',
    );
  });
});
