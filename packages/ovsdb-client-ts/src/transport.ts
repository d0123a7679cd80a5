// Opening the byte stream for one remote: unix socket, TCP, or TLS (server verified against the CA).

import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { AbortedError } from './call.js';
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
 * Open a connected stream to `remote`, or reject with ConnectionError (its `cause` the socket's error,
 * `cause.code` e.g. 'ENOENT') after `timeoutMs`, or with AbortedError when `signal` aborts. With
 * `ioThread`, the socket lives on a worker thread (see thread-stream.ts).
 */
export async function openStream(
  remote: Remote,
  timeoutMs: number,
  ssl?: SslFiles,
  ioThread = false,
  signal?: AbortSignal,
): Promise<Duplex> {
  if (signal?.aborted) throw new AbortedError(`connect to ${remote.text}`, signal.reason);
  if (ioThread) return openOnThread(remote, timeoutMs, ssl, signal);
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
    const onAbort = () => {
      done();
      reject(new AbortedError(`connect to ${remote.text}`, signal!.reason));
    };
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      socket.destroy();
    };
    const fail = (e: NodeJS.ErrnoException) => {
      done();
      reject(connectError(remote, e));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
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

/** A failed connect: the OS's wording as `reason`, the socket's error as `cause`. */
function connectError(remote: Remote, e: NodeJS.ErrnoException): ConnectionError {
  return new ConnectionError(`${remote.text}: ${e.message}`, 'not-sent', osErrorText(e), { cause: e });
}

async function openOnThread(remote: Remote, timeoutMs: number, ssl?: SslFiles, signal?: AbortSignal): Promise<Duplex> {
  let opening;
  if (remote.kind === 'unix') opening = openThreadStream({ kind: 'unix', path: remote.path });
  else if (remote.kind === 'tcp') opening = openThreadStream({ kind: 'tcp', host: remote.host, port: remote.port });
  else {
    if (!ssl) throw noSslFiles(remote);
    const [key, cert, ca] = await Promise.all([ssl.privateKey, ssl.certificate, ssl.caCert].map((f) => readFile(f)));
    opening = openThreadStream({ kind: 'ssl', host: remote.host, port: remote.port, key: key!, cert: cert!, ca: ca! });
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    onAbort = () => reject(new AbortedError(`connect to ${remote.text}`, signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([opening, timeout]);
  } catch (e) {
    // A connection that opens after the time-out is not wanted.
    void opening.then((s) => s.destroy()).catch(() => undefined);
    if (e instanceof AbortedError) throw e;
    throw connectError(remote, e as NodeJS.ErrnoException);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
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
