// Issue 24, hostile peers: ovnts-controller against an SB that answers echoes but nothing else (a proxy in front
// of a real SB that turns silent: it answers the controller's echoes itself and swallows every other message
// both ways). Every SB request has a time limit (OVNTS_SB_REQUEST_TIMEOUT_MS, 3 s here): the controller logs
// the unanswered request, drops the session and keeps reconnecting, and catches up once the SB talks again;
// SIGTERM with a silent SB exits within a few seconds, saying the chassis could not be removed.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { JsonFramer } from 'ovsdb-client-ts';
import { startFromSource, useSandbox, waitFor, type Sandbox } from '@ovnts/test-harness';

interface SilencingProxy {
  readonly remote: string;
  silent: boolean;
  connections: number;
  /** Messages swallowed while silent (echoes answered by the proxy not counted). */
  swallowed: number;
}

type Msg = { id?: unknown; method?: unknown; params?: unknown };

async function silencingProxy(sb: Sandbox, upstream: string): Promise<SilencingProxy> {
  const file = sb.file('sb-proxy.sock');
  const sockets = new Set<net.Socket>();
  const proxy: SilencingProxy = { remote: `unix:${file}`, silent: false, connections: 0, swallowed: 0 };
  const pipe = (from: net.Socket, to: net.Socket, back: net.Socket) => {
    const framer = new JsonFramer({ maxMessageBytes: 1 << 28 });
    from.on('data', (d) => {
      let msgs: Msg[];
      try {
        msgs = framer.push(d) as Msg[];
      } catch {
        return void from.destroy();
      }
      for (const m of msgs) {
        if (!proxy.silent) to.write(JSON.stringify(m));
        else if (m.method === 'echo' && m.id !== undefined)
          back.write(JSON.stringify({ id: m.id, result: m.params ?? [], error: null }));
        else proxy.swallowed++;
      }
    });
  };
  const server = net.createServer((c) => {
    proxy.connections++;
    const u = net.connect(upstream.replace(/^unix:/, ''));
    for (const s of [c, u]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        c.destroy();
        u.destroy();
      });
    }
    pipe(c, u, c); // the controller's messages; its echoes answered by the proxy while silent
    pipe(u, c, u); // the server's; its echoes (inactivity probe) answered by the proxy while silent
  });
  await new Promise<void>((res) => server.listen(file, res));
  sb.own({
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((res) => server.close(res));
    },
  });
  return proxy;
}

/**
 * An SB, the proxy in front of it (`silent` from the start if asked), a chassis that reaches the SB through
 * the proxy and its ovnts-controller with a 3 s SB request limit.
 */
async function controllerBehindProxy(sb: Sandbox, opts: { silent: boolean }) {
  const sbdb = await sb.startDb('sb');
  const sbctl = async (...a: string[]) =>
    (await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--bare', ...a])).trim();
  const proxy = await silencingProxy(sb, sbdb.remotes.unix);
  proxy.silent = opts.silent;
  const hv = await sb.startChassis({ sbRemote: proxy.remote, name: 'hv1', systemId: 'hv1', encapIp: '127.0.0.1' });
  const ctl = await startFromSource(
    sb,
    'hv1-ovnts-controller',
    'packages/controller/src/bin/ovnts-controller.ts',
    ['-vinfo', hv.db.remotes.unix],
    { ...hv.env, OVNTS_SB_REQUEST_TIMEOUT_MS: '3000' },
  );
  return { sbctl, proxy, hv, ctl };
}

describe('ovnts-controller against a silent SB', () => {
  const sandbox = useSandbox();

  it('times out, reconnects, catches up, and exits promptly on SIGTERM', { timeout: 300_000 }, async () => {
    const { sbctl, proxy, hv, ctl } = await controllerBehindProxy(sandbox(), { silent: false });
    await waitFor(
      'the chassis registered',
      async () => (await sbctl('--columns=ip', 'list', 'Encap')) === '127.0.0.1',
      90_000,
      200,
    );

    // Silent: the encap change needs a transaction the SB never answers.
    proxy.silent = true;
    const before = proxy.connections;
    await hv.vsctl('set', 'Open_vSwitch', '.', 'external_ids:ovn-encap-ip=127.0.0.9');
    await waitFor(
      'the unanswered request logged',
      async () => /request unanswered; dropping connection/.test(await ctl.log()),
      60_000,
      200,
    );
    await waitFor('reconnect attempts', () => proxy.connections >= before + 2, 60_000, 200);
    expect(ctl.alive).toBe(true);
    const log = await ctl.log();
    expect(log).toMatch(/no reply to (transact|monitor\w*) in \d+ ms/);
    expect(log).not.toMatch(/Uncaught|UnhandledPromiseRejection|TypeError|RangeError/);
    expect(await sbctl('--columns=ip', 'list', 'Encap')).toBe('127.0.0.1');

    // The SB talks again: the controller reconnects and the change lands.
    proxy.silent = false;
    await waitFor(
      'the encap change in the SB',
      async () => (await sbctl('--columns=ip', 'list', 'Encap')) === '127.0.0.9',
      90_000,
      200,
    );

    // SIGTERM while the SB is silent: out within a few seconds, with a line saying what was left.
    proxy.silent = true;
    const t0 = Date.now();
    ctl.signal('SIGTERM');
    await waitFor('exit after SIGTERM', () => !ctl.alive, 20_000, 50);
    const exitMs = Date.now() - t0;
    expect(exitMs).toBeLessThan(10_000);
    expect(await ctl.log()).toMatch(/could not remove chassis from the SB/);
    console.log(
      `silent SB: exit after SIGTERM in ${exitMs} ms; ${proxy.connections} connections, ${proxy.swallowed} messages swallowed`,
    );
  });

  it(
    'keeps retrying an SB silent from the start (past the 30 s connect limit), then registers',
    { timeout: 300_000 },
    async () => {
      const { sbctl, proxy, ctl } = await controllerBehindProxy(sandbox(), { silent: true });
      // The client's own start-up limit was 30 s: wait past it, with the SB silent all along.
      const t0 = Date.now();
      await waitFor('three sessions tried', () => proxy.connections >= 3, 120_000, 200);
      while (Date.now() - t0 < 35_000) await new Promise((r) => setTimeout(r, 500));
      expect(ctl.alive, 'the controller exited with the SB silent').toBe(true);
      expect(await sbctl('--columns=name', 'list', 'Chassis')).toBe('');
      proxy.silent = false;
      await waitFor(
        'the chassis registered once the SB answers',
        async () => (await sbctl('--columns=ip', 'list', 'Encap')) === '127.0.0.1',
        120_000,
        200,
      );
      expect(ctl.alive).toBe(true);
      expect(await ctl.log()).not.toMatch(/Uncaught|UnhandledPromiseRejection|TypeError|RangeError/);
    },
  );
});
