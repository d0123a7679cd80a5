// dns_lookup (pure): answering a DNS query from the SB DNS records of the packet's datapath. A, AAAA and
// ANY queries get one answer per address of the record, PTR queries the record's name; anything else (a
// response, no question, additional records, an unknown name or type) is not answered and the logical
// pipeline goes on with the query. The answer keeps the query's headers (the flows after dns_lookup swap
// addresses and ports), sets QR, the answer count, and appends the answers after the question.
import { ipv6ToBytes, parseIp } from '@ovnts/net';
import { inetChecksum, parseEth } from './packets.js';

const TYPE = { A: 1, PTR: 12, AAAA: 28, ANY: 255 } as const;
const CLASS_IN = 1;
const TTL = 3600;

/** Looks a lower-cased name up in the DNS records of the datapath. */
export type DnsRecords = (name: string) => string | undefined;

function rr(qname: Buffer, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(TTL, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([qname, fixed, data]);
}

/** A domain name in DNS label encoding. */
export function encodeName(name: string): Buffer {
  const labels = name.split('.').filter((l) => l.length);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
}

export function dnsReply(request: Buffer, records: DnsRecords): Buffer | undefined {
  const eth = parseEth(request);
  const ip = eth.payload;
  const v4 = eth.ethType === 0x0800;
  if (!v4 && eth.ethType !== 0x86dd) return undefined;
  const l4Off = v4 ? (ip[0]! & 0x0f) * 4 : 40;
  const proto = v4 ? ip[9] : ip[6];
  if (proto !== 17 || ip.length < l4Off + 8 + 12) return undefined;
  const udpLen = Math.min(ip.readUInt16BE(l4Off + 4), ip.length - l4Off);
  const dns = ip.subarray(l4Off + 8, l4Off + udpLen);
  if (dns.length < 12 || dns[2]! & 0x80) return undefined; // a response
  if (dns.readUInt16BE(4) === 0 || dns.readUInt16BE(10) !== 0) return undefined;

  let i = 12;
  const labels: string[] = [];
  while (i < dns.length && dns[i]) {
    const len = dns[i++]!;
    if (i + len > dns.length) return undefined;
    labels.push(dns.subarray(i, i + len).toString('latin1'));
    i += len;
  }
  i++;
  const qname = dns.subarray(12, i);
  if (i + 4 > dns.length) return undefined;
  const qtype = dns.readUInt16BE(i);
  if (![TYPE.A, TYPE.AAAA, TYPE.ANY, TYPE.PTR].includes(qtype as 1)) return undefined;
  const answer = records(labels.join('.').toLowerCase());
  if (answer === undefined) return undefined;

  const answers: Buffer[] = [];
  if (qtype === TYPE.PTR) answers.push(rr(qname, TYPE.PTR, encodeName(answer)));
  else
    for (const word of answer.split(/\s+/).filter((w) => w)) {
      const addr = parseIp(word.split('/')[0]!);
      if (!addr) return undefined;
      if (addr.family === 4 && qtype !== TYPE.AAAA) {
        const d = Buffer.alloc(4);
        d.writeUInt32BE(addr.value);
        answers.push(rr(qname, TYPE.A, d));
      }
      if (addr.family === 6 && qtype !== TYPE.A) {
        answers.push(rr(qname, TYPE.AAAA, ipv6ToBytes(addr.value)));
      }
    }
  if (!answers.length) return undefined;

  const head = Buffer.from(dns.subarray(0, 12));
  head[2] = head[2]! | 0x80;
  head.writeUInt16BE(answers.length, 6);
  head.writeUInt16BE(0, 10);
  const payload = Buffer.concat([head, dns.subarray(12), ...answers]);
  const udp = Buffer.from(ip.subarray(l4Off, l4Off + 8));
  udp.writeUInt16BE(8 + payload.length, 4);
  udp.writeUInt16BE(0, 6);
  const l3Start = request.length - ip.length;
  const l3 = Buffer.from(request.subarray(l3Start, l3Start + l4Off));
  if (v4) {
    l3.writeUInt16BE(l4Off + 8 + payload.length, 2);
    l3.writeUInt16BE(0, 10);
    l3.writeUInt16BE(inetChecksum(l3), 10);
  } else {
    l3.writeUInt16BE(8 + payload.length, 4);
    const seg = Buffer.concat([udp, payload]);
    const pseudo = Buffer.alloc(40);
    l3.copy(pseudo, 0, 8, 40);
    pseudo.writeUInt32BE(seg.length, 32);
    pseudo[39] = 17;
    const sum = inetChecksum(Buffer.concat([pseudo, seg]));
    udp.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  }
  return Buffer.concat([request.subarray(0, l3Start), l3, udp, payload]);
}
