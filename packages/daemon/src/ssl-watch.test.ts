import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Vlog } from './vlog/vlog.js';
import { watchSslFiles } from './ssl-watch.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ssl-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (n: string) => path.join(dir, n);
const selfSigned = (name: string) =>
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      f(`${name}-key.pem`),
      '-out',
      f(`${name}-cert.pem`),
    ],
    { stdio: 'ignore' },
  );

describe('watchSslFiles', () => {
  it('logs a key that does not match its certificate after the files change, as OVS does', async () => {
    selfSigned('a');
    selfSigned('b');
    copyFileSync(f('a-key.pem'), f('key.pem'));
    copyFileSync(f('a-cert.pem'), f('cert.pem'));
    let console = '';
    const vlog = new Vlog({ program: 'test', modules: [], consoleFd: (s) => (console += s) });
    const stop = watchSslFiles({ privateKey: f('key.pem'), certificate: f('cert.pem'), caCert: f('a-cert.pem') }, vlog);
    try {
      copyFileSync(f('b-key.pem'), f('key.pem'));
      for (let i = 0; i < 50 && !console; i++) await new Promise((r) => setTimeout(r, 100));
      expect(console).toMatch(/\|stream_ssl\|ERR\|Private key does not match certificate public key: .*mismatch/);
    } finally {
      stop();
    }
  });
});
