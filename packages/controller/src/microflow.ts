// `inject-pkt MICROFLOW` (pure part): a logical match that pins down exactly one packet — `inport == "lp1" &&
// eth.src == … && ip4 && ip.ttl == 64 && udp && udp.dst == 53` — turned into header field values and the
// OpenFlow port of the logical ingress port (the local interface that carries it), as ovn-controller reads it.
import { Annotator, REG, SYMBOLS, normalize, parseMatch, simplify, toMatches } from '@ovnts/expr';

export class MicroflowError extends Error {
  override readonly name = 'MicroflowError';
}

export interface Microflow {
  /** The OpenFlow port of the logical ingress port. */
  readonly ofport: number;
  /** Header field values by OpenFlow field name (registers and metadata left out). */
  readonly fields: ReadonlyMap<string, bigint>;
}

/** `localOfport` maps a logical port name to the OpenFlow port of the local interface bound to it. */
export function parseMicroflow(text: string, localOfport: (port: string) => number | undefined): Microflow {
  const parsed = parseMatch(text, { symbols: SYMBOLS });
  if (!parsed.ok) throw new MicroflowError(parsed.error.message);
  let expr;
  try {
    expr = normalize(simplify(new Annotator(SYMBOLS).annotate(parsed.value, text)));
  } catch (e) {
    throw new MicroflowError(e instanceof Error ? e.message : String(e));
  }
  let unknown: string | undefined;
  const { matches } = toMatches(expr, (name) => {
    const p = localOfport(name);
    if (p === undefined) unknown ??= name;
    return p ?? 0;
  });
  if (matches.length !== 1 || matches[0]!.conjunctions.length)
    throw new MicroflowError('Expression does not describe exactly one packet.');
  const fields = new Map<string, bigint>();
  let ofport = 0;
  for (const [name, { value, mask }] of matches[0]!.fields) {
    if (name === `reg${REG.inport}`) ofport = Number(value & mask);
    else if (!/^(x{0,2}reg\d+|metadata)$/.test(name)) fields.set(name, value & mask);
  }
  if (!ofport || unknown !== undefined) throw new MicroflowError('ingress port not found on hypervisor.');
  return { ofport, fields };
}
