// Certificates for tests of ssl: remotes, made with openssl in a sandbox: a self-signed CA, and
// certificates it signs whose CN names the holder (for an SB under RBAC, a chassis's system-id).
import type { Sandbox } from './sandbox.js';

export interface CertFiles {
  readonly privateKey: string;
  readonly certificate: string;
  /** The CA that the holder trusts. */
  readonly caCert: string;
}

/** A self-signed CA `name`: `<name>-key.pem`, `<name>-cert.pem` in the sandbox. */
export async function makeCa(sb: Sandbox, name: string): Promise<void> {
  await sb.runOk('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    sb.file(`${name}-key.pem`),
    '-out',
    sb.file(`${name}-cert.pem`),
  ]);
}

/** A key and a certificate with CN=`name`, signed by CA `ca` (made by makeCa); the holder trusts `ca`. */
export async function makeCert(sb: Sandbox, name: string, ca: string): Promise<CertFiles> {
  const key = sb.file(`${name}-key.pem`);
  const req = sb.file(`${name}-req.pem`);
  const cert = sb.file(`${name}-cert.pem`);
  await sb.runOk('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    key,
    '-out',
    req,
  ]);
  await sb.runOk('openssl', [
    'x509',
    '-req',
    '-days',
    '2',
    '-in',
    req,
    '-CA',
    sb.file(`${ca}-cert.pem`),
    '-CAkey',
    sb.file(`${ca}-key.pem`),
    '-CAcreateserial',
    '-out',
    cert,
  ]);
  return { privateKey: key, certificate: cert, caCert: sb.file(`${ca}-cert.pem`) };
}

/** `-p KEY -c CERT -C CA`, as OVS and OVN daemons take them. */
export const sslArgs = (f: CertFiles): string[] => [
  `--private-key=${f.privateKey}`,
  `--certificate=${f.certificate}`,
  `--ca-cert=${f.caCert}`,
];
