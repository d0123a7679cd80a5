// put_nd_ra_opts (pure): answering a Router Solicitation with the Router Advertisement the logical flow
// carries (ICMPv6 header and options, prebuilt by the flow's encoder). The RS's Ethernet and IPv6 headers
// are kept (the flows after the action set the addresses); payload length and checksum are filled in.
import { inetChecksum, parseEth } from './packets.js';

export function raReply(request: Buffer, ra: Buffer): Buffer | undefined {
  const eth = parseEth(request);
  const ip = eth.payload;
  if (eth.ethType !== 0x86dd || ip.length < 48 || ip[6] !== 58) return undefined;
  if (ip[40] !== 133 || ip[41] !== 0 || ra.length < 4) return undefined; // only an RS, code 0
  const l3Start = request.length - ip.length;
  const l3 = Buffer.from(ip.subarray(0, 40));
  l3.writeUInt16BE(ra.length, 4);
  const icmp = Buffer.from(ra);
  icmp.writeUInt16BE(0, 2);
  const pseudo = Buffer.alloc(40);
  l3.copy(pseudo, 0, 8, 40);
  pseudo.writeUInt32BE(icmp.length, 32);
  pseudo[39] = 58;
  icmp.writeUInt16BE(inetChecksum(Buffer.concat([pseudo, icmp])), 2);
  return Buffer.concat([request.subarray(0, l3Start), l3, icmp]);
}
