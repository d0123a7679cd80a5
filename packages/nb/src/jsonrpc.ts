// LEAD NOTE (please read): this duplicates ovsdb-client-ts (packages/ovsdb-client-ts/src/framer.ts, datum.ts are being written now).
// The project wants ONE client: import the client's modules instead (deep imports like 'ovsdb-client-ts/framer' keep CLI
// startup lean) as soon as they exist, and delete this file. If the client lacks something, say so in your report.
// A minimal OVSDB JSON-RPC connection (RFC 7047 §4) over unix or tcp sockets: requests with ids,
// replies matched by id, server notifications passed to a callback, "echo" answered. It is all a
// one-shot CLI needs, so ovnts-nbctl starts without loading a full client.
import net from 'node:net';
import { NbTransactionError } from './errors.js';

export type Notify = (method: string, params: unknown[]) => void;

/**
 * Split a byte stream into top-level JSON texts (ovsdb-server writes them back to back). Scanning jumps
 * from one structural character to the next (strings are skipped whole), and resumes where the previous
 * chunk ended, so large replies cost one pass.
 */
export class JsonSplitter {
  private buf = '';
  private depth = 0;
  private inString = false;
  private scanned = 0;
  private start = 0;
  private static readonly STRUCT = /[{}[\]"]/g;

  push(chunk: string): unknown[] {
    this.buf += chunk;
    const out: unknown[] = [];
    const buf = this.buf;
    let i = this.scanned;
    while (i < buf.length) {
      if (this.inString) {
        const q = buf.indexOf('"', i);
        if (q < 0) {
          i = buf.length;
          break;
        }
        // A quote preceded by an odd number of backslashes is escaped.
        let bs = 0;
        for (let k = q - 1; k >= 0 && buf.charCodeAt(k) === 92; k--) bs++;
        i = q + 1;
        if (bs % 2 === 0) this.inString = false;
        continue;
      }
      const re = JsonSplitter.STRUCT;
      re.lastIndex = i;
      const m = re.exec(buf);
      if (!m) {
        i = buf.length;
        break;
      }
      const c = m[0];
      i = m.index + 1;
      if (c === '"') {
        this.inString = true;
      } else if (c === '{' || c === '[') {
        if (this.depth === 0) this.start = m.index;
        this.depth++;
      } else if (--this.depth === 0) {
        out.push(JSON.parse(buf.slice(this.start, i)));
        this.start = i;
      }
    }
    if (this.depth === 0 && !this.inString) {
      this.buf = '';
      this.scanned = 0;
      this.start = 0;
    } else {
      this.buf = buf.slice(this.start);
      this.scanned = i - this.start;
      this.start = 0;
    }
    return out;
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class JsonRpcConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  onNotify: Notify | undefined;

  private constructor(
    private readonly sock: net.Socket,
    readonly remote: string,
  ) {
    const splitter = new JsonSplitter();
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      for (const msg of splitter.push(d)) this.dispatch(msg as Record<string, unknown>);
    });
    const fail = (err: Error) => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    sock.on('error', (e) => fail(new NbTransactionError(`${remote}: connection failed (${e.message})`)));
    sock.on('close', () => fail(new NbTransactionError(`${remote}: connection closed`)));
  }

  /** Connect to one remote ("unix:PATH" or "tcp:HOST:PORT"). Rejects with the OS error text. */
  static connect(remote: string): Promise<JsonRpcConnection> {
    return new Promise((resolve, reject) => {
      let sock: net.Socket;
      if (remote.startsWith('unix:')) {
        sock = net.createConnection({ path: remote.slice(5) });
      } else if (remote.startsWith('tcp:')) {
        const rest = remote.slice(4);
        const i = rest.lastIndexOf(':');
        const host = rest.slice(0, i).replace(/^\[|\]$/g, '');
        sock = net.createConnection({ host, port: Number(rest.slice(i + 1)) });
      } else {
        reject(new ConnectError(remote, 'Address family not supported by protocol'));
        return;
      }
      sock.once('connect', () => resolve(new JsonRpcConnection(sock, remote)));
      sock.once('error', (e: NodeJS.ErrnoException) => reject(new ConnectError(remote, errnoText(e))));
    });
  }

  request(method: string, params: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new NbTransactionError(`${this.remote}: connection closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.sock.write(JSON.stringify({ method, params, id }));
    });
  }

  close(): void {
    this.closed = true;
    this.sock.destroy();
  }

  private dispatch(msg: Record<string, unknown>): void {
    if (typeof msg['method'] === 'string') {
      if (msg['method'] === 'echo') {
        this.sock.write(JSON.stringify({ result: msg['params'], error: null, id: msg['id'] }));
      } else if (this.onNotify) {
        this.onNotify(msg['method'], (msg['params'] as unknown[]) ?? []);
      }
      return;
    }
    const p = this.pending.get(msg['id'] as number);
    if (!p) return;
    this.pending.delete(msg['id'] as number);
    if (msg['error'] !== null && msg['error'] !== undefined) {
      p.reject(new NbTransactionError(JSON.stringify(msg['error'])));
    } else {
      p.resolve(msg['result']);
    }
  }
}

/** Connecting failed; `reason` is the OS's wording ("No such file or directory"), as ovn-nbctl prints it. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly remote: string,
    readonly reason: string,
  ) {
    super(`${remote}: database connection failed (${reason})`);
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENOTSOCK: 'Socket operation on non-socket',
  ECONNRESET: 'Connection reset by peer',
};

function errnoText(e: NodeJS.ErrnoException): string {
  return (e.code && ERRNO_TEXT[e.code]) ?? e.message;
}
