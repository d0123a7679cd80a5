// Option TLVs that put_dhcp_opts / put_dhcpv6_opts hand to pinctrl inside the controller userdata.
import type { GenOption } from './actions.js';
import { UnencodableAction } from './userdata.js';
import { prefixLength } from '@ovnts/net';

export type OptionTable = ReadonlyMap<string, { code: number; type: string }>;

const OFFERIP = 0;
const BOOTFILE = 67;
const BOOTFILE_ALT = 254;
const NEXT_SERVER = 253;

function be(v: bigint, bytes: number): number[] {
  const out: number[] = [];
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

function str(o: GenOption): number[] {
  if (o.values.type !== 'string') throw new UnencodableAction(`option ${o.name} needs a string`);
  return [...Buffer.from(o.values.values[0] ?? '', 'utf8')];
}

function ints(o: GenOption): { value: bigint; mask?: bigint }[] {
  if (o.values.type !== 'int') throw new UnencodableAction(`option ${o.name} needs integers`);
  return o.values.values;
}

/**
 * RFC 3397 domain search list: comma-separated names in RFC 1035 wire form, a suffix already written
 * replaced by a two-byte pointer to where it starts (offsets within the option's value).
 */
function searchList(o: GenOption): number[] {
  if (o.values.type !== 'string') throw new UnencodableAction(`option ${o.name} needs a string`);
  const out: number[] = [];
  const written = new Map<string, number>();
  for (const domain of (o.values.values[0] ?? '').split(',').filter((d) => d !== '')) {
    if (domain.length > 255) throw new UnencodableAction(`option ${o.name}: domain names longer than 255 characters`);
    const labels = domain.split('.').filter((l) => l !== '');
    let ended = false;
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const at = written.get(suffix);
      if (at !== undefined) {
        out.push(0xc0 | (at >> 8), at & 0xff);
        ended = true;
        break;
      }
      written.set(suffix, out.length);
      const label = [...Buffer.from(labels[i]!, 'utf8')];
      if (label.length > 63) throw new UnencodableAction(`option ${o.name}: label longer than 63 octets`);
      out.push(label.length, ...label);
    }
    if (!ended) out.push(0);
  }
  return out;
}

function v4Option(code: number, type: string, o: GenOption): number[] {
  let body: number[];
  switch (type) {
    case 'bool':
    case 'uint8':
      body = be(ints(o)[0]!.value, 1);
      break;
    case 'uint16':
      body = be(ints(o)[0]!.value, 2);
      break;
    case 'uint32':
      body = be(ints(o)[0]!.value, 4);
      break;
    case 'ipv4':
      body = ints(o).flatMap((c) => be(c.value, 4));
      break;
    case 'static_routes': {
      // RFC 3442: prefix length, significant octets of the destination, then the router.
      const cs = ints(o);
      body = [];
      for (let i = 0; i + 1 < cs.length; i += 2) {
        const dst = cs[i]!;
        const plen = dst.mask === undefined ? 32 : (prefixLength(dst.mask, 32) ?? 32);
        body.push(plen, ...be(dst.value, 4).slice(0, Math.ceil(plen / 8)), ...be(cs[i + 1]!.value, 4));
      }
      break;
    }
    case 'str':
      body = str(o);
      break;
    case 'host_id':
      body = o.values.type === 'string' ? str(o) : be(ints(o)[0]!.value, 4);
      break;
    case 'domains':
      body = searchList(o);
      break;
    default:
      throw new UnencodableAction(`DHCPv4 option type ${type} is not supported`);
  }
  return [code, body.length & 0xff, ...body];
}

/** offerip first, then bootfile, bootfile_alt, next_server, then the rest in the order given. */
export function encodeDhcpv4(options: readonly GenOption[], table: OptionTable | undefined): number[] {
  const code = (o: GenOption) => table?.get(o.name)?.code ?? (o.name === 'offerip' ? OFFERIP : -1);
  const type = (o: GenOption) => table?.get(o.name)?.type ?? (o.name === 'offerip' ? 'ipv4' : '');
  const find = (c: number) => options.find((o) => code(o) === c);
  const offer = find(OFFERIP);
  if (!offer) throw new UnencodableAction('put_dhcp_opts requires offerip');
  const out = be(ints(offer)[0]!.value, 4);
  const special = [find(BOOTFILE), find(BOOTFILE_ALT), find(NEXT_SERVER)];
  for (const o of special.slice(0, 2)) if (o) out.push(code(o), ...((b) => [b.length & 0xff, ...b])(str(o)));
  if (special[2]) out.push(NEXT_SERVER, 4, ...be(ints(special[2])[0]!.value, 4));
  for (const o of options) {
    if (o === offer || special.includes(o)) continue;
    const c = code(o);
    if (c < 0) throw new UnencodableAction(`unknown DHCPv4 option ${o.name}`);
    out.push(...v4Option(c, type(o), o));
  }
  return out;
}

export function encodeDhcpv6(options: readonly GenOption[], table: OptionTable | undefined): number[] {
  const out: number[] = [];
  for (const o of options) {
    const def = table?.get(o.name);
    if (!def) throw new UnencodableAction(`unknown DHCPv6 option ${o.name}`);
    let body: number[];
    if (def.type === 'ipv6') body = ints(o).flatMap((c) => be(c.value, 16));
    else if (def.type === 'mac') body = be(ints(o)[0]!.value, 6);
    else if (def.type === 'str') body = str(o);
    else throw new UnencodableAction(`DHCPv6 option type ${def.type} is not supported`);
    out.push(...be(BigInt(def.code), 2), ...be(BigInt(body.length), 2), ...body);
  }
  return out;
}
