// Opening the byte stream for one remote: unix socket, TCP, or TLS (server verified against the CA).

import { readFile } from 'node:fs/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ConnectionError } from './errors.js';
import type { Remote } from './remote.js';

/** PEM file paths for ssl: remotes (as ovn-nbctl's --private-key/--certificate/--ca-cert). */
export interface SslFiles {
  readonly privateKey: string;
  readonly certificate: string;
  readonly caCert: string;
}

/** Open a connected stream to `remote`, or reject with ConnectionError after `timeoutMs`. */
export async function openStream(remote: Remote, timeoutMs: number, ssl?: SslFiles): Promise<Duplex> {
  let socket: net.Socket;
  let readyEvent = 'connect';
  if (remote.kind === 'unix') socket = net.connect({ path: remote.path });
  else if (remote.kind === 'tcp') socket = net.connect({ host: remote.host, port: remote.port });
  else {
    if (!ssl) {
      // ENOPROTOOPT, as OVS's stream-ssl reports a missing key/certificate/CA.
      throw new ConnectionError(
        `${remote.text}: ssl remote needs the ssl option (privateKey, certificate, caCert)`,
        'not-sent',
        'Protocol not available',
      );
    }
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
