import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from './options.js';

describe('ovnts-northd options', () => {
  it('reads remotes from flags, then OVN_NB_DB/OVN_SB_DB, then the run dir', () => {
    expect(parseOptions([], { OVN_RUNDIR: '/r' })).toMatchObject({
      nbRemote: 'unix:/r/ovnnb_db.sock',
      sbRemote: 'unix:/r/ovnsb_db.sock',
    });
    expect(parseOptions([], { OVN_NB_DB: 'tcp:1.2.3.4:6641', OVN_SB_DB: 'tcp:1.2.3.4:6642' })).toMatchObject({
      nbRemote: 'tcp:1.2.3.4:6641',
      sbRemote: 'tcp:1.2.3.4:6642',
    });
    expect(
      parseOptions(['--ovnnb-db=unix:/a', '--ovnsb-db=tcp:127.0.0.1:1,tcp:127.0.0.1:2'], { OVN_NB_DB: 'x' }),
    ).toMatchObject({
      nbRemote: 'unix:/a',
      sbRemote: 'tcp:127.0.0.1:1,tcp:127.0.0.1:2',
    });
  });

  it('understands the ovn-northd daemon flags', () => {
    const o = parseOptions(
      [
        '--detach',
        '--no-chdir',
        '--pidfile',
        '--log-file=/tmp/x.log',
        '-vconsole:warn',
        '--dry-run',
        '--unixctl=/tmp/c',
      ],
      {
        OVN_RUNDIR: '/r',
      },
    );
    expect(o).toMatchObject({
      detach: true,
      pidfile: '/r/ovnts-northd.pid',
      logFile: '/tmp/x.log',
      logLevel: 'warn',
      dryRun: true,
    });
    expect(parseOptions(['-v'], {}).logLevel).toBe('debug');
    expect(parseOptions(['-vfile:off'], {}).logLevel).toBe('silent');
  });

  it('rejects unknown options and missing values with a usage error', () => {
    expect(() => parseOptions(['--frobnicate'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--ovnnb-db='], {})).toThrow(/needs a value/);
  });
});
