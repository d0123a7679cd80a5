// put_dhcp_opts (pure): answering a client's DHCPv4 message with the options the logical flow carries.
// DISCOVER gets an OFFER, REQUEST an ACK (a NAK when it asks for another address than the offer),
// INFORM an ACK without address and lease options; RELEASE and DECLINE get nothing. The reply keeps the
// request's Ethernet, IP and UDP headers (the logical actions after put_dhcp_opts swap addresses and
// ports), becomes a BOOTREPLY with yiaddr/siaddr set, and goes to the offered address unless the client
// asked for broadcast.
import { inetChecksum, parseEth } from './packets.js';

export const DHCP = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;

const MAGIC = 0x63825363;
const HEADER_LEN = 236;
const OPT = { pad: 0, netmask: 1, lease: 51, msgType: 53, t1: 58, t2: 59, reqIp: 50, end: 255 } as const;
const NEXT_SERVER = 253;
const BOOTFILE = 67;
const BOOTFILE_ALT = 254;
const ETHERBOOT = 175;

export interface DhcpReply {
  readonly packet: Buffer;
  readonly msgType: number;
  readonly offerIp: number;
}

/** TLV options of a DHCP options area (stops at END or a truncated option). */
function* options(b: Buffer): Generator<{ code: number; data: Buffer; raw: Buffer }> {
  let i = 0;
  while (i < b.length) {
    const code = b[i]!;
    if (code === OPT.end) return;
    if (code === OPT.pad) {
      i++;
      continue;
    }
    if (i + 2 > b.length) return;
    const len = b[i + 1]!;
    if (i + 2 + len > b.length) return;
    yield { code, data: b.subarray(i + 2, i + 2 + len), raw: b.subarray(i, i + 2 + len) };
    i += 2 + len;
  }
}

/** A client's DHCPv4 message in a whole Ethernet frame: where its parts are and what it asks. */
interface DhcpRequest {
  readonly ip: Buffer;
  readonly ihl: number;
  readonly l3Start: number;
  readonly dhcp: Buffer;
  readonly inType: number | undefined;
  /** The requested-address option, else ciaddr. */
  readonly requestIp: number;
  readonly ipxe: boolean;
}

function readRequest(request: Buffer): DhcpRequest | undefined {
  const eth = parseEth(request);
  if (eth.ethType !== 0x0800) return undefined;
  const ip = eth.payload;
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ip.length < ihl + 8 || ip[9] !== 17) return undefined;
  const l3Start = request.length - ip.length;
  const udpLen = Math.min(ip.readUInt16BE(ihl + 4), ip.length - ihl);
  const dhcp = ip.subarray(ihl + 8, ihl + udpLen);
  if (dhcp.length < HEADER_LEN + 4 || dhcp[0] !== 1 || dhcp.readUInt32BE(HEADER_LEN) !== MAGIC) return undefined;
  let inType: number | undefined;
  let requestIp = dhcp.readUInt32BE(12); // ciaddr
  let ipxe = false;
  for (const o of options(dhcp.subarray(HEADER_LEN + 4))) {
    if (o.code === OPT.msgType && o.data.length === 1) inType = o.data[0];
    else if (o.code === OPT.reqIp && o.data.length === 4) requestIp = o.data.readUInt32BE(0);
    else if (o.code === ETHERBOOT) ipxe = true;
  }
  return { ip, ihl, l3Start, dhcp, inType, requestIp, ipxe };
}

const ipText = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join('.');
const macText = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

/**
 * The INFO line ovn-controller logs for a message it answers with nothing or an ACK without address:
 * RELEASE (client MAC and ciaddr), INFORM (client MAC and IP source), DECLINE of the offered address.
 */
export function dhcpv4Notice(request: Buffer, userdata: Buffer): string | undefined {
  const r = userdata.length >= 4 ? readRequest(request) : undefined;
  if (!r) return undefined;
  const mac = macText(request.subarray(6, 12));
  switch (r.inType) {
    case DHCP.RELEASE:
      return `DHCPRELEASE ${mac} ${ipText(r.dhcp.readUInt32BE(12))}`;
    case DHCP.INFORM:
      return `DHCPINFORM from ${mac} ${ipText(r.ip.readUInt32BE(12))}`;
    case DHCP.DECLINE:
      return r.requestIp === userdata.readUInt32BE(0)
        ? `DHCPDECLINE from ${mac}, ${ipText(r.requestIp)} duplicated`
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The reply to `request` (a whole Ethernet frame), given the userdata after the result field: the offer IP
 * (4 bytes) then the reply options as TLVs. Undefined when no reply is due (or the request is malformed).
 */
export function dhcpv4Reply(request: Buffer, userdata: Buffer): DhcpReply | undefined {
  if (userdata.length < 5) return undefined;
  const offerIp = userdata.readUInt32BE(0);
  let replyOpts = userdata.subarray(4);
  const r = readRequest(request);
  if (!r) return undefined;
  const { ip, ihl, l3Start, dhcp, inType, requestIp, ipxe } = r;
  let msgType: number;
  switch (inType) {
    case DHCP.DISCOVER:
      msgType = DHCP.OFFER;
      break;
    case DHCP.REQUEST:
      msgType = requestIp === offerIp ? DHCP.ACK : DHCP.NAK;
      break;
    case DHCP.INFORM:
      msgType = DHCP.ACK;
      replyOpts = Buffer.concat(
        [...options(replyOpts)]
          .filter((o) => ![OPT.netmask, OPT.lease, OPT.t1, OPT.t2].includes(o.code as 1))
          .map((o) => o.raw),
      );
      break;
    default:
      return undefined;
  }

  // siaddr from next-server; bootfile_alt replaces bootfile except for iPXE (Etherboot option 175)
  // clients, which get bootfile, and stands in for a missing bootfile.
  let nextServer = dhcp.readUInt32BE(20);
  const opts = [...options(replyOpts)];
  const bootfile = opts.find((o) => o.code === BOOTFILE);
  const alt = opts.find((o) => o.code === BOOTFILE_ALT);
  const kept: Buffer[] = [];
  for (const o of opts) {
    if (o.code === NEXT_SERVER && o.data.length === 4) nextServer = o.data.readUInt32BE(0);
    if (o.code === BOOTFILE && alt && !ipxe) continue;
    if (o.code === BOOTFILE_ALT) {
      if (bootfile && ipxe) continue;
      kept.push(Buffer.concat([Buffer.from([BOOTFILE, o.data.length]), o.data]));
      continue;
    }
    kept.push(o.raw);
  }
  const body = msgType === DHCP.NAK ? Buffer.alloc(0) : Buffer.concat(kept);

  const header = Buffer.from(dhcp.subarray(0, HEADER_LEN));
  header[0] = 2; // BOOTREPLY
  const inform = inType === DHCP.INFORM;
  header.writeUInt32BE(inform || msgType === DHCP.NAK ? 0 : offerIp, 16); // yiaddr
  if (!inform) header.writeUInt32BE(msgType === DHCP.NAK ? 0 : nextServer, 20); // siaddr
  const tail = Buffer.concat([
    Buffer.from([0x63, 0x82, 0x53, 0x63, OPT.msgType, 1, msgType]),
    body,
    Buffer.from([0, 0, 0, 0, OPT.end, 0, 0, 0, 0]),
  ]);
  const udp = Buffer.from(ip.subarray(ihl, ihl + 8));
  udp.writeUInt16BE(8 + HEADER_LEN + tail.length, 4);
  udp.writeUInt16BE(0, 6);
  const l3 = Buffer.from(request.subarray(l3Start, l3Start + ihl));
  const broadcast = (header.readUInt16BE(10) & 0x8000) !== 0;
  l3.writeUInt32BE(broadcast ? 0xffffffff : offerIp, 16);
  l3.writeUInt16BE(ihl + 8 + HEADER_LEN + tail.length, 2);
  l3.writeUInt16BE(0, 10);
  l3.writeUInt16BE(inetChecksum(l3), 10);
  const packet = Buffer.concat([request.subarray(0, l3Start), l3, udp, header, tail]);
  return { packet, msgType, offerIp };
}
