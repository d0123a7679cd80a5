import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

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
      parseOptions(['--ovnnb-db', 'unix:/a', '--ovnsb-db=tcp:127.0.0.1:1,tcp:127.0.0.1:2'], { OVN_NB_DB: 'x' }),
    ).toMatchObject({ nbRemote: 'unix:/a', sbRemote: 'tcp:127.0.0.1:1,tcp:127.0.0.1:2' });
  });

  it('names its files after ovn-northd, as the upstream test suite runs it', () => {
    const o = parseOptions(
      ['--detach', '--no-chdir', '--pidfile', '--log-file', '-vconsole:off', '-vjsonrpc', '--n-threads=4', '--dry-run'],
      { OVN_RUNDIR: '/r', OVS_LOGDIR: '/l' },
    );
    expect(o.daemon).toMatchObject({
      detach: true,
      noChdir: true,
      pidfile: '/r/ovn-northd.pid',
      logFile: '/l/ovn-northd.log',
      verbose: ['console:off', 'jsonrpc'],
    });
    expect(o).toMatchObject({ nThreads: 4, paused: true, notes: [['info', 'Using 4 threads']], errors: [] });
    expect(parseOptions(['--pidfile=x.pid', '--unixctl=c.ctl'], { OVN_RUNDIR: '/r' }).daemon).toMatchObject({
      pidfile: '/r/x.pid',
      unixctl: '/r/c.ctl',
    });
  });

  it('clamps --n-threads as ovn-northd does and skips unknown options with a complaint', () => {
    expect(parseOptions(['--n-threads=0'], {})).toMatchObject({
      nThreads: 1,
      notes: [['warn', 'Setting n_threads to 1 as --n-threads option was set to : [0]']],
    });
    expect(parseOptions(['--n-threads=1000'], {}).nThreads).toBe(256);
    expect(parseOptions(['--frobnicate', '--n-threads'], {}).errors).toEqual([
      "unrecognized option '--frobnicate'",
      "option '--n-threads' requires an argument",
    ]);
  });

  it('takes the SSL files', () => {
    expect(parseOptions(['-p', 'k.pem', '-ccert.pem', '--ca-cert=/pki/ca.pem'], {}).daemon.ssl).toEqual({
      privateKey: path.resolve('k.pem'),
      certificate: path.resolve('cert.pem'),
      caCert: '/pki/ca.pem',
    });
  });
});
