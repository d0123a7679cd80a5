// OVS daemons re-read their SSL key, certificate and CA files whenever those change (stream-ssl checks
// them on every main-loop pass): a rotated certificate takes effect without a restart, and a key that
// does not match its certificate is reported at once, in OVS's words with OpenSSL's reason. Connections
// made after a change read the new files (ovsdb-client-ts reads them at connect).
import { statSync, readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { SslFiles } from 'ovsdb-client-ts';
import type { Vlog } from './vlog/vlog.js';

const POLL_MS = 1_000;

/** Watch `files`; returns a function that stops watching. */
export function watchSslFiles(files: SslFiles, vlog: Vlog): () => void {
  const stamp = () =>
    [files.privateKey, files.certificate, files.caCert]
      .map((f) => {
        try {
          const s = statSync(f);
          return `${s.mtimeMs}:${s.size}`;
        } catch {
          return 'missing';
        }
      })
      .join('|');
  let last = stamp();
  const timer = setInterval(() => {
    const now = stamp();
    if (now === last) return;
    last = now;
    try {
      createSecureContext({ key: readFileSync(files.privateKey), cert: readFileSync(files.certificate) });
    } catch (e) {
      vlog.log('stream_ssl', 'err', `Private key does not match certificate public key: ${(e as Error).message}`);
    }
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
