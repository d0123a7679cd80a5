// Opening the byte stream for one remote: unix socket, TCP, or TLS (server verified against the CA).

import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ConnectionError } from './errors.js';
import type { Remote } from './remote.js';
import { openThreadStream } from './thread-stream.js';

/** PEM file paths for ssl: remotes (as ovn-nbctl's --private-key/--certificate/--ca-cert). */
export interface SslFiles {
  readonly privateKey: string;
  readonly certificate: string;
  readonly caCert: string;
}

/**
 * Open a connected stream to `remote`, or reject with ConnectionError after `timeoutMs`. With
 * `ioThread`, the socket lives on a worker thread (see thread-stream.ts).
 */
export async function openStream(remote: Remote, timeoutMs: number, ssl?: SslFiles, ioThread = false): Promise<Duplex> {
  if (ioThread) return openOnThread(remote, timeoutMs, ssl);
  let socket: net.Socket;
  let readyEvent = 'connect';
  if (remote.kind === 'unix') socket = net.connect({ path: remote.path });
  else if (remote.kind === 'tcp') socket = net.connect({ host: remote.host, port: remote.port });
  else {
    if (!ssl) throw noSslFiles(remote);
    // node:tls is loaded only for ssl: remotes (it costs one-shot tools several ms of start-up).
    const [tls, key, cert, ca] = await Promise.all([
      import('node:tls'),
      readFile(ssl.privateKey),
      readFile(ssl.certificate),
      readFile(ssl.caCert),
    ]);
    // Like OVS: trust is the CA chain; certificates from ovs-pki do not name hosts, so no hostname check.
    socket = tls.connect({
      host: remote.host,
      port: remote.port,
      key,
      cert,
      ca,
      rejectUnauthorized: true,
      checkServerIdentity: () => undefined,
    });
    readyEvent = 'secureConnect';
  }
  return new Promise<Duplex>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    const fail = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectionError(`${remote.text}: ${e.message}`, 'not-sent', osErrorText(e)));
    };
    socket.once('error', fail);
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay?.(true);
      resolve(socket);
    });
  });
}

// ENOPROTOOPT, as OVS's stream-ssl reports a missing key/certificate/CA.
function noSslFiles(remote: Remote): ConnectionError {
  return new ConnectionError(
    `${remote.text}: ssl remote needs the ssl option (privateKey, certificate, caCert)`,
    'not-sent',
    'Protocol not available',
  );
}

async function openOnThread(remote: Remote, timeoutMs: number, ssl?: SslFiles): Promise<Duplex> {
  let opening;
  if (remote.kind === 'unix') opening = openThreadStream({ kind: 'unix', path: remote.path });
  else if (remote.kind === 'tcp') opening = openThreadStream({ kind: 'tcp', host: remote.host, port: remote.port });
  else {
    if (!ssl) throw noSslFiles(remote);
    const [key, cert, ca] = await Promise.all([ssl.privateKey, ssl.certificate, ssl.caCert].map((f) => readFile(f)));
    opening = openThreadStream({ kind: 'ssl', host: remote.host, port: remote.port, key: key!, cert: cert!, ca: ca! });
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([opening, timeout]);
  } catch (e) {
    // A connection that opens after the time-out is not wanted.
    void opening.then((s) => s.destroy()).catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    throw new ConnectionError(`${remote.text}: ${err.message}`, 'not-sent', osErrorText(err));
  } finally {
    clearTimeout(timer);
  }
}

// strerror(3) wording for the errors connecting can hit, so tools can print what the C tools print.
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENOTSOCK: 'Socket operation on non-socket',
  ECONNRESET: 'Connection reset by peer',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOTFOUND: 'Name or service not known',
};

/** The OS's text for a socket error (strerror), or Node's message for codes without one here. */
export function osErrorText(e: NodeJS.ErrnoException): string {
  return (e.code !== undefined ? ERRNO_TEXT[e.code] : undefined) ?? e.message;
}
