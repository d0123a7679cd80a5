import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './options.js';

describe('ovnts-controller command line', () => {
  it("accepts ovn-controller's options and names its files after ovn-controller", () => {
    const o = parseCli(
      ['--pidfile', '--log-file', '-vconsole:off', '--no-chdir', '--enable-dummy-vif-plug', 'unix:/r/db.sock'],
      { OVN_RUNDIR: '/r', OVS_LOGDIR: '/l' },
    );
    expect(o.ovsRemote).toBe('unix:/r/db.sock');
    expect(o.daemon).toMatchObject({
      program: 'ovn-controller',
      pidfile: '/r/ovn-controller.pid',
      logFile: '/l/ovn-controller.log',
      noChdir: true,
      verbose: ['console:off'],
    });
    expect(o.errors).toEqual([]);
    expect(parseCli([], { OVS_RUNDIR: '/x' }).ovsRemote).toBe('unix:/x/db.sock');
    expect(parseCli(['-vwarn', '--detach'], {}).daemon).toMatchObject({ verbose: ['warn'], detach: true });
  });

  it('reports unknown options as getopt does, and rejects extra remotes', () => {
    expect(parseCli(['--bogus'], {}).errors).toEqual(["unrecognized option '--bogus'"]);
    expect(() => parseCli(['unix:/a', 'unix:/b'], {})).toThrow(UsageError);
  });
});
