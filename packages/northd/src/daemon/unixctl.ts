// A control socket that `ovs-appctl -t <socket>` / `ovn-appctl -t ovnts-northd` can talk to: JSON-RPC
// requests {"id", "method", "params": [strings]} answered with {"id", "result": text, "error": null}
// (or an error text), one connection per command as the appctl tools use it.
import { createServer, type Server, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { JsonFramer } from 'ovsdb-client-ts';

export type UnixctlHandler = (params: readonly string[]) => string | Promise<string>;

export class UnixctlServer {
  private readonly commands = new Map<string, { usage: string; fn: UnixctlHandler }>();
  private server: Server | undefined;

  constructor(private readonly path: string) {
    this.register(
      'list-commands',
      '',
      () =>
        [
          'The available commands are:',
          ...[...this.commands].sort().map(([n, c]) => `  ${n}${c.usage ? ` ${c.usage}` : ''}`),
        ].join('\n') + '\n',
    );
  }

  register(name: string, usage: string, fn: UnixctlHandler): void {
    this.commands.set(name, { usage, fn });
  }

  async listen(): Promise<void> {
    try {
      unlinkSync(this.path);
    } catch {
      // not there
    }
    this.server = createServer((s) => this.serve(s));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.path, () => resolve());
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
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
      } catch {
        sock.destroy();
        return;
      }
      for (const m of msgs) void this.answer(sock, m as { id?: unknown; method?: unknown; params?: unknown });
    });
  }

  private async answer(sock: Socket, req: { id?: unknown; method?: unknown; params?: unknown }): Promise<void> {
    const reply = (result: string | null, error: string | null) =>
      sock.write(JSON.stringify({ id: req.id ?? null, result, error }));
    const cmd = typeof req.method === 'string' ? this.commands.get(req.method) : undefined;
    if (!cmd) {
      reply(
        null,
        `"${String(req.method)}" is not a valid command (use "list-commands" to see a list of valid commands)`,
      );
      return;
    }
    const params = Array.isArray(req.params) ? req.params.map(String) : [];
    try {
      reply(await cmd.fn(params), null);
    } catch (e) {
      reply(null, (e as Error).message);
    }
  }
}
