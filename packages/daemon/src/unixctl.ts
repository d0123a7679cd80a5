// The control socket that `ovs-appctl -t TARGET` / `ovn-appctl -t TARGET` talk to: JSON-RPC requests
// {"id", "method", "params": [strings]} answered with {"id", "result": text, "error": null} or an error
// text, as OVS's unixctl server answers them (same argument-count errors, non-empty replies end in a
// newline, `list-commands` and `version` built in).
import { createServer, type Server, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { JsonFramer } from 'ovsdb-client-ts';

export type UnixctlHandler = (args: readonly string[]) => string | void | Promise<string | void>;

/** A handler's way to answer with an error (appctl prints it to stderr and exits 2). */
export class UnixctlError extends Error {
  override readonly name = 'UnixctlError';
}

interface Command {
  readonly usage: string;
  readonly min: number;
  readonly max: number;
  readonly fn: UnixctlHandler;
}

/** A request as it came off the socket: checked field by field before use (the peer may send anything). */
type Request = { readonly id: unknown; readonly method: string; readonly params: readonly unknown[] };

/** The request a message holds, or why it is not one this server can answer. */
function asRequest(m: unknown): Request | string {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'not a JSON-RPC object';
  const { id, method, params } = m as Record<string, unknown>;
  if (typeof method !== 'string') return 'no method (not a request)';
  if (!Array.isArray(params)) return 'params is not an array';
  if (id === undefined || id === null) return 'no id (a notification)';
  return { id, method, params };
}

export class UnixctlServer {
  private readonly commands = new Map<string, Command>();
  private server: Server | undefined;

  /**
   * `onBadMessage` hears why a peer's connection was dropped (a message that is not JSON or not a
   * request): OVS logs these as warnings.
   */
  constructor(
    readonly path: string,
    versionText: string,
    private readonly onBadMessage: (why: string) => void = () => {},
  ) {
    this.register('list-commands', '', 0, 0, () => this.listCommands());
    this.register('version', '', 0, 0, () => versionText);
  }

  /** Add a command taking between `min` and `max` arguments (`usage` is shown by list-commands). */
  register(name: string, usage: string, min: number, max: number, fn: UnixctlHandler): void {
    this.commands.set(name, { usage, min, max, fn });
  }

  private listCommands(): string {
    const names = [...this.commands.keys()].sort();
    return (
      'The available commands are:\n' + names.map((n) => `  ${n.padEnd(23)} ${this.commands.get(n)!.usage}\n`).join('')
    );
  }

  async listen(): Promise<void> {
    try {
      unlinkSync(this.path);
    } catch {
      // not there
    }
    const server = createServer((s) => this.serve(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    try {
      unlinkSync(this.path);
    } catch {
      // gone
    }
  }

  private serve(sock: Socket): void {
    const framer = new JsonFramer({ maxMessageBytes: 1 << 20 });
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk) => {
      let msgs: unknown[];
      try {
        msgs = framer.push(chunk);
      } catch (e) {
        this.drop(sock, `${this.path}: bad JSON from a client: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      for (const m of msgs) {
        const req = asRequest(m);
        if (typeof req === 'string')
          return this.drop(sock, `${this.path}: received bad JSON-RPC message (${req}), closing the connection`);
        this.answer(sock, req).catch((e: unknown) =>
          this.drop(sock, `${this.path}: failed to answer: ${e instanceof Error ? e.message : String(e)}`),
        );
      }
    });
  }

  private drop(sock: Socket, why: string): void {
    if (sock.destroyed) return;
    sock.destroy();
    this.onBadMessage(why);
  }

  /** Run one request as the server would (exported for tests and in-process callers). */
  async run(method: string, args: readonly string[]): Promise<{ result: string | null; error: string | null }> {
    const withNewline = (s: string) => (s && !s.endsWith('\n') ? `${s}\n` : s);
    const cmd = this.commands.get(method);
    if (!cmd)
      return {
        result: null,
        error: withNewline(`"${method}" is not a valid command (use "list-commands" to see a list of valid commands)`),
      };
    if (args.length < cmd.min)
      return { result: null, error: withNewline(`"${method}" command requires at least ${cmd.min} arguments`) };
    if (args.length > cmd.max)
      return { result: null, error: withNewline(`"${method}" command takes at most ${cmd.max} arguments`) };
    try {
      return { result: withNewline((await cmd.fn(args)) ?? ''), error: null };
    } catch (e) {
      return { result: null, error: withNewline(e instanceof Error ? e.message : String(e)) };
    }
  }

  private async answer(sock: Socket, req: Request): Promise<void> {
    const args = req.params.filter((p): p is string => typeof p === 'string');
    const nonString = req.params.find((p) => typeof p !== 'string');
    const { result, error } =
      args.length === req.params.length
        ? await this.run(req.method, args)
        : { result: null, error: `command has non-string argument: ${JSON.stringify(nonString)}\n` };
    if (!sock.destroyed) sock.write(JSON.stringify({ id: req.id, result, error }));
  }
}
