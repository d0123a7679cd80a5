// put_dhcpv6_opts (pure): answering a DHCPv6 client. SOLICIT gets an ADVERTISE; REQUEST, CONFIRM, DECLINE
// and INFORMATION-REQUEST a REPLY. The reply echoes the transaction id and the client's Client Identifier,
// then the logical flow's options: the server id as a link-layer DUID, the address inside an IA_NA with the
// client's IAID (left out of a stateless information reply), DNS servers and the domain search list. The
// request's Ethernet and IPv6 headers are kept (the flows after the action swap them); lengths and the UDP
// checksum are filled in.
import { inetChecksum, parseEth } from './packets.js';

export const DHCPV6 = { SOLICIT: 1, ADVERTISE: 2, REQUEST: 3, CONFIRM: 4, REPLY: 7, DECLINE: 9, INFO_REQ: 11 } as const;
const OPT = { clientId: 1, serverId: 2, iaNa: 3, iaAddr: 5, dns: 23, domainSearch: 24 } as const;
const INFINITE = 0xffffffff;

function opt(code: number, data: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(code, 0);
  h.writeUInt16BE(data.length, 2);
  return Buffer.concat([h, data]);
}

function u32s(...v: number[]): Buffer {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => b.writeUInt32BE(x >>> 0, 4 * i));
  return b;
}

/** The reply options from the userdata TLVs; undefined when one is malformed or unknown. */
function replyOptions(userdata: Buffer, iaid: number): Buffer | undefined {
  const out: Buffer[] = [];
  let i = 0;
  while (i < userdata.length) {
    if (i + 4 > userdata.length) return undefined;
    const code = userdata.readUInt16BE(i);
    const len = userdata.readUInt16BE(i + 2);
    const data = userdata.subarray(i + 4, i + 4 + len);
    if (data.length !== len) return undefined;
    i += 4 + len;
    switch (code) {
      case OPT.serverId: // DUID-LL: type 3, hardware type 1 (Ethernet), the MAC
        out.push(opt(OPT.serverId, Buffer.concat([Buffer.from([0, 3, 0, 1]), data.subarray(0, 6)])));
        break;
      case OPT.iaAddr: {
        if (len !== 16) return undefined;
        if (!iaid) break; // an information request gets no address
        const iaAddr = opt(OPT.iaAddr, Buffer.concat([data, u32s(INFINITE, INFINITE)]));
        out.push(opt(OPT.iaNa, Buffer.concat([u32s(iaid, INFINITE, INFINITE), iaAddr])));
        break;
      }
      case OPT.dns:
        out.push(opt(OPT.dns, data));
        break;
      case OPT.domainSearch:
        out.push(opt(OPT.domainSearch, Buffer.concat([Buffer.from([len]), data, Buffer.from([0])])));
        break;
      default:
        return undefined;
    }
  }
  return Buffer.concat(out);
}

export function dhcpv6Reply(request: Buffer, userdata: Buffer): { packet: Buffer; msgType: number } | undefined {
  const eth = parseEth(request);
  const ip = eth.payload;
  if (eth.ethType !== 0x86dd || ip.length < 40 + 8 + 4 || ip[6] !== 17) return undefined;
  const udpLen = Math.min(ip.readUInt16BE(44), ip.length - 40);
  const msg = ip.subarray(48, 40 + udpLen);
  if (msg.length < 4) return undefined;
  const inType = msg[0]!;
  const msgType =
    inType === DHCPV6.SOLICIT
      ? DHCPV6.ADVERTISE
      : ([DHCPV6.REQUEST, DHCPV6.CONFIRM, DHCPV6.DECLINE, DHCPV6.INFO_REQ] as number[]).includes(inType)
        ? DHCPV6.REPLY
        : undefined;
  if (msgType === undefined) return undefined;
  let iaid = 0;
  let clientId: Buffer | undefined;
  for (let i = 4; i + 4 <= msg.length;) {
    const code = msg.readUInt16BE(i);
    const len = msg.readUInt16BE(i + 2);
    if (i + 4 + len > msg.length) return undefined;
    if (code === OPT.iaNa && len >= 4) iaid = msg.readUInt32BE(i + 4);
    if (code === OPT.clientId) clientId = msg.subarray(i, i + 4 + len);
    i += 4 + len;
  }
  if (!clientId || (!iaid && inType !== DHCPV6.INFO_REQ)) return undefined;
  const opts = replyOptions(userdata, iaid);
  if (!opts) return undefined;

  const head = Buffer.from(msg.subarray(0, 4));
  head[0] = msgType;
  const payload = Buffer.concat([head, clientId, opts]);
  const udp = Buffer.from(ip.subarray(40, 48));
  udp.writeUInt16BE(8 + payload.length, 4);
  udp.writeUInt16BE(0, 6);
  const l3 = Buffer.from(ip.subarray(0, 40));
  l3.writeUInt16BE(8 + payload.length, 4);
  const pseudo = Buffer.alloc(40);
  l3.copy(pseudo, 0, 8, 40);
  pseudo.writeUInt32BE(8 + payload.length, 32);
  pseudo[39] = 17;
  const sum = inetChecksum(Buffer.concat([pseudo, udp, payload]));
  udp.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  const l3Start = request.length - ip.length;
  return { packet: Buffer.concat([request.subarray(0, l3Start), l3, udp, payload]), msgType };
}
