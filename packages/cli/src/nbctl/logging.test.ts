import { describe, expect, it } from 'vitest';
import { runNbctl } from './main.js';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runNbctl(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: {},
    programName: 'ovnts-nbctl',
  });
  return { code, stdout, stderr };
}

describe('ovnts-nbctl -v', () => {
  it('reads specs with OVS syntax and rejects bad ones as ovn-nbctl does', async () => {
    expect(await run(['-vfoo', 'ls-list'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ovnts-nbctl: processing "foo": no destination, level, or module "foo"\n',
    });
  });

  it('writes WARN lines in vlog format on the console, and -vMODULE:off silences them', async () => {
    // Nothing listens there: the connect failure is fatal, but nothing below WARN is printed.
    const quiet = await run(['--db=unix:/nonexistent/nb.sock', '-vsocket_util:off', '-vconsole:warn', 'ls-list']);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).not.toMatch(/\|(INFO|DBG)\|/);
  });
});
