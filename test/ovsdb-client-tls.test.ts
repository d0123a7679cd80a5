// Acceptance: TLS with certificates generated here; the server verifies clients and the client verifies the
// server. A client that does not trust the server's CA, and a client the server does not trust, are refused.
import { describe, expect, it } from 'vitest';
import { freePort, makeCa, makeCert, useSandbox } from '@ovnts/test-harness';
import { ConnectionError, OvsdbClient } from 'ovsdb-client-ts';

describe('TLS (ssl: remotes)', () => {
  const sandbox = useSandbox();

  it('connects with trusted certificates and refuses untrusted ones', async () => {
    const sb = sandbox();
    await makeCa(sb, 'ca');
    await makeCa(sb, 'rogue-ca');
    await makeCert(sb, 'server', 'ca');
    await makeCert(sb, 'client', 'ca');
    await makeCert(sb, 'rogue-client', 'rogue-ca');
    const port = await freePort();
    const server = await sb.startDb('nb', {
      extraArgs: [
        `--private-key=${sb.file('server-key.pem')}`,
        `--certificate=${sb.file('server-cert.pem')}`,
        `--ca-cert=${sb.file('ca-cert.pem')}`,
        `--remote=pssl:${port}:127.0.0.1`,
      ],
    });
    const remote = `ssl:127.0.0.1:${port}`;
    const files = (who: string, ca: string) => ({
      privateKey: sb.file(`${who}-key.pem`),
      certificate: sb.file(`${who}-cert.pem`),
      caCert: sb.file(`${ca}-cert.pem`),
    });

    const good = await OvsdbClient.connect(remote, { ssl: files('client', 'ca') });
    try {
      expect(await good.listDbs()).toContain('OVN_Northbound');
      expect(good.remote).toBe(remote);
    } finally {
      await good.close();
    }

    // The client does not trust the server (its CA is another one).
    const distrusting = OvsdbClient.connect(remote, { ssl: files('client', 'rogue-ca'), reconnect: false });
    await expect(distrusting).rejects.toBeInstanceOf(ConnectionError);
    await expect(distrusting).rejects.toThrow(/certificate/);

    // The server does not trust the client.
    const untrusted = OvsdbClient.connect(remote, { ssl: files('rogue-client', 'ca'), reconnect: false });
    await expect(untrusted).rejects.toBeInstanceOf(ConnectionError);

    // An ssl: remote without key material is a usage error, not a hang.
    await expect(OvsdbClient.connect(remote, { reconnect: false })).rejects.toThrow(/ssl option/);
    expect(server.alive).toBe(true);
  });
});
