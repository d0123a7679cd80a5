// A connection whose socket lives on a worker thread. A client that computes for seconds at a time
// (ovnts-northd's cold start) cannot drain a socket meanwhile: the kernel holds only ~200 kB of a unix
// socket's unsent bytes, so a 100 MB transaction written before a long compute would reach the server
// 200 kB per event-loop turn. Here writes are handed to the thread at once (postMessage never blocks)
// and the thread keeps the socket full while the main thread computes.
import { Worker } from 'node:worker_threads';
import { Duplex } from 'node:stream';
import { handedOver } from './encoded.js';

/** What the thread connects to: net.connect / tls.connect options (plain data, cloned into the thread). */
export type ThreadTarget =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | {
      readonly kind: 'ssl';
      readonly host: string;
      readonly port: number;
      readonly key: Uint8Array;
      readonly cert: Uint8Array;
      readonly ca: Uint8Array;
    };

/** Messages from the thread. */
type FromThread =
  | { readonly t: 'open' }
  | { readonly t: 'data'; readonly b: Uint8Array }
  | { readonly t: 'error'; readonly code?: string; readonly message: string }
  | { readonly t: 'close' };

/**
 * The thread collects its garbage after handing on this many bytes (written to the socket or posted to
 * the caller). Every chunk crosses the thread boundary as a copy whose memory lives outside the thread's
 * V8 heap, and the thread allocates almost nothing else, so V8 alone would only collect it once some 64 MB
 * of dead chunks had piled up (its external-memory trigger): in ovnts-northd that was a glibc arena of the
 * thread growing by ~30 MB over the first 20k edits of issue 24's soak. A full collection of the thread's
 * few-MB heap takes about a millisecond, off the caller's thread. 200 MB streamed through a thread stream
 * in 2–60 kB writes, paced by the peer: anonymous RSS 15 → 54 MB without it, → 34–39 MB with it; a minor
 * collection instead did not help (→ 94 MB).
 */
const COLLECT_EVERY_BYTES = 4 << 20;

// The thread's program: plain JavaScript run with `eval`, so it loads the same way from the
// TypeScript sources (tests) and from dist.
const THREAD_PROGRAM = `
const { parentPort, workerData: target } = require('node:worker_threads');
const post = (m) => parentPort.postMessage(m);
require('node:v8').setFlagsFromString('--expose-gc');
const collect = require('node:vm').runInNewContext('gc');
let handedOn = 0;
const handed = (n) => {
  handedOn += n;
  if (handedOn < ${COLLECT_EVERY_BYTES}) return;
  handedOn = 0;
  collect();
};
const socket =
  target.kind === 'unix'
    ? require('node:net').connect({ path: target.path })
    : target.kind === 'tcp'
      ? require('node:net').connect({ host: target.host, port: target.port })
      : require('node:tls').connect({
          host: target.host, port: target.port, key: Buffer.from(target.key), cert: Buffer.from(target.cert),
          ca: Buffer.from(target.ca), rejectUnauthorized: true, checkServerIdentity: () => undefined,
        });
socket.once(target.kind === 'ssl' ? 'secureConnect' : 'connect', () => {
  socket.setNoDelay?.(true);
  post({ t: 'open' });
});
socket.on('data', (b) => {
  post({ t: 'data', b });
  handed(b.length);
});
socket.on('error', (e) => post({ t: 'error', code: e.code, message: e.message }));
socket.on('close', () => {
  post({ t: 'close' });
  parentPort.close();
});
parentPort.on('message', (m) => {
  if (m.t === 'write') for (const b of m.b) socket.write(b, () => handed(b.length));
  else if (m.t === 'end') socket.end();
  else socket.destroy();
});
`;

/**
 * The memory of `chunks` that can move to the thread rather than be copied: what an EncodedOps handed
 * over (a cold ovn-northd start writes ~20 MB so), each once. Anything else is copied, as the caller
 * may still use it.
 */
function movable(chunks: readonly Buffer[]): ArrayBuffer[] {
  let out: ArrayBuffer[] | undefined;
  for (const c of chunks) {
    const m = c.buffer;
    if (handedOver.has(m) && !out?.includes(m as ArrayBuffer)) (out ??= []).push(m as ArrayBuffer);
  }
  return out ?? [];
}

/** A Duplex over a socket owned by a worker thread; resolves once connected. */
export function openThreadStream(target: ThreadTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_PROGRAM, { eval: true, workerData: target });
    let opened = false;
    let closed = false;
    const stream = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        const b = [chunk];
        worker.postMessage({ t: 'write', b }, movable(b));
        cb();
      },
      writev(chunks, cb) {
        const b = chunks.map((c) => c.chunk as Buffer);
        worker.postMessage({ t: 'write', b }, movable(b));
        cb();
      },
      final(cb) {
        worker.postMessage({ t: 'end' });
        cb();
      },
      destroy(err, cb) {
        if (!closed) worker.postMessage({ t: 'destroy' });
        cb(err);
      },
    });
    const close = () => {
      if (closed) return;
      closed = true;
      stream.push(null);
      stream.destroy();
    };
    worker.on('message', (m: FromThread) => {
      switch (m.t) {
        case 'open':
          opened = true;
          resolve(stream);
          break;
        case 'data':
          stream.push(Buffer.from(m.b.buffer, m.b.byteOffset, m.b.byteLength));
          break;
        case 'error': {
          const e = Object.assign(new Error(m.message), { code: m.code });
          if (opened) stream.destroy(e);
          else reject(e);
          break;
        }
        case 'close':
          close();
          break;
      }
    });
    worker.on('error', (e) => (opened ? stream.destroy(e) : reject(e)));
    worker.on('exit', () => {
      if (!opened) reject(new Error('connection thread exited'));
      close();
    });
  });
}
