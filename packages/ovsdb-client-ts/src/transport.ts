// Opening the byte stream for one remote: unix socket, TCP, or TLS (server verified against the CA).

import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
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
    if (!ssl) throw new ConnectionError(`${remote.text}: ssl remote needs the ssl option (privateKey, certificate, caCert)`);
    const [key, cert, ca] = await Promise.all([readFile(ssl.privateKey), readFile(ssl.certificate), readFile(ssl.caCert)]);
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
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectionError(`${remote.text}: ${e.message}`));
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
