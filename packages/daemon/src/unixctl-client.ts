// The client side of a control socket, as ovs-appctl and ovn-nbctl's client mode use it: one JSON-RPC
// request, its reply's result or error text. Connection failures carry the OS's wording.
import { connect } from 'node:net';
import { JsonFramer, osErrorText } from 'ovsdb-client-ts';

export class UnixctlConnectError extends Error {
  override readonly name = 'UnixctlConnectError';
  constructor(
    readonly path: string,
    /** The OS's text, e.g. "No such file or directory". */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Send `method` with `args` to the control socket at `path`; resolves with the reply. */
export function unixctlCall(
  path: string,
  method: string,
  args: readonly string[],
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ result: string | null; error: string | null }> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    const framer = new JsonFramer({ maxMessageBytes: 64 << 20 });
    let connected = false;
    const done = (f: () => void) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      f();
    };
    const onAbort = () => done(() => reject(opts.signal!.reason ?? new Error('aborted')));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => done(() => reject(new UnixctlConnectError(path, 'Connection timed out'))),
      opts.timeoutMs ?? 2 ** 31 - 1,
    );
    sock.on('connect', () => {
      connected = true;
      sock.write(JSON.stringify({ id: 0, method, params: args }));
    });
    sock.on('error', (e: NodeJS.ErrnoException) => done(() => reject(new UnixctlConnectError(path, osErrorText(e)))));
    sock.on('close', () => {
      if (connected) done(() => reject(new UnixctlConnectError(path, 'End of file')));
    });
    sock.on('data', (chunk) => {
      let msgs: unknown[];
      try {
        msgs = framer.push(chunk);
      } catch (e) {
        return done(() => reject(e));
      }
      const reply = msgs[0] as { result?: unknown; error?: unknown } | undefined;
      if (!reply) return;
      done(() =>
        resolve({
          result: typeof reply.result === 'string' ? reply.result : null,
          error: reply.error === null || reply.error === undefined ? null : String(reply.error),
        }),
      );
    });
  });
}
