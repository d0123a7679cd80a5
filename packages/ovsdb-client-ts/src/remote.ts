// Remote strings as OVS/OVN tools take them: "unix:PATH", "tcp:HOST:PORT", "ssl:HOST:PORT", IPv6 hosts in
// brackets ("tcp:[::1]:6641"), and comma-separated lists of these.

export type Remote =
  | { readonly kind: 'unix'; readonly path: string; readonly text: string }
  | { readonly kind: 'tcp' | 'ssl'; readonly host: string; readonly port: number; readonly text: string };

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

const DEFAULT_PORT = 6640;

export function parseRemote(text: string): Remote {
  const t = text.trim();
  const colon = t.indexOf(':');
  if (colon < 0) throw new RemoteError(`remote "${t}" has no type (expected unix:, tcp: or ssl:)`);
  const kind = t.slice(0, colon);
  const rest = t.slice(colon + 1);
  if (kind === 'unix') {
    if (!rest) throw new RemoteError(`remote "${t}" has no path`);
    return { kind, path: rest, text: t };
  }
  if (kind !== 'tcp' && kind !== 'ssl') throw new RemoteError(`remote "${t}": unsupported type "${kind}"`);
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) throw new RemoteError(`remote "${t}": unterminated [IPv6] host`);
    host = rest.slice(1, end);
    const after = rest.slice(end + 1);
    if (after && !after.startsWith(':')) throw new RemoteError(`remote "${t}": junk after ]`);
    portText = after ? after.slice(1) : undefined;
  } else {
    const c = rest.lastIndexOf(':');
    if (c >= 0 && rest.indexOf(':') !== c) throw new RemoteError(`remote "${t}": put IPv6 hosts in brackets`);
    host = c >= 0 ? rest.slice(0, c) : rest;
    portText = c >= 0 ? rest.slice(c + 1) : undefined;
  }
  if (!host) throw new RemoteError(`remote "${t}" has no host`);
  const port = portText === undefined || portText === '' ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RemoteError(`remote "${t}": bad port`);
  return { kind, host, port, text: t };
}

/** Parse a comma-separated remote list. */
export function parseRemotes(text: string): Remote[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new RemoteError('empty remote list');
  return parts.map(parseRemote);
}
