// Parses OVS-style connection targets: unix:/path, tcp:host:port.
import type { NetConnectOpts } from 'node:net';

export function parseTarget(target: string): NetConnectOpts {
  if (target.startsWith('unix:')) return { path: target.slice(5) };
  const m = /^tcp:(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target);
  if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  throw new TypeError(`bad OpenFlow target ${target} (want unix:PATH or tcp:HOST:PORT)`);
}
