import { describe, expect, it } from 'vitest';
import { parseRemote, parseRemotes, RemoteError } from './remote.js';

describe('remotes', () => {
  it('parses every form OVN tools accept', () => {
    expect(parseRemote('unix:/run/ovn/nb.sock')).toMatchObject({ kind: 'unix', path: '/run/ovn/nb.sock' });
    expect(parseRemote('tcp:127.0.0.1:6641')).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 6641 });
    expect(parseRemote('ssl:[fd00::1]:6642')).toMatchObject({ kind: 'ssl', host: 'fd00::1', port: 6642 });
    expect(parseRemote('tcp:[::1]')).toMatchObject({ host: '::1', port: 6640 });
    expect(parseRemotes('tcp:a:1, tcp:b:2,unix:/x').map((r) => r.text)).toEqual(['tcp:a:1', 'tcp:b:2', 'unix:/x']);
  });
  it('rejects bad remotes', () => {
    for (const bad of ['', 'foo', 'udp:1.2.3.4:5', 'tcp::1', 'tcp:::1:5', 'tcp:h:99999', 'tcp:[::1', 'unix:']) {
      expect(() => parseRemotes(bad)).toThrow(RemoteError);
    }
  });
});
