// Native DNS on a switch, as ovn-northd 23.03 builds it: a switch naming at least one NB DNS row with
// records sends UDP queries to port 53 to ovn-controller (dns_lookup, metered by the switch's CoPP `dns`)
// and bounces the answer back out of the port it came from; the egress ACL stage lets the answers through.
import type { NbInput } from '../input.js';
import type { AddFlow } from '../lflow-table.js';
import type { SwitchDatapath } from '../topology.js';

const DNS_RESULT = 'reg0[4]';

/** Whether one of the switch's DNS rows holds records (rows without any give no flows). */
export function hasDnsRecords(sw: SwitchDatapath, nb: NbInput): boolean {
  return sw.nb.dns_records.some((u) => {
    const d = nb.DNS.get(u);
    return d !== undefined && Object.keys(d.records).length > 0;
  });
}

export function buildDnsFlows(sw: SwitchDatapath, nb: NbInput, hasStateful: boolean, add: AddFlow): void {
  if (!hasDnsRecords(sw, nb)) return;
  add('ls_out_acl', 34000, 'udp.src == 53', hasStateful ? 'ct_commit; next;' : 'next;');
  add('ls_in_dns_lookup', 100, 'udp.dst == 53', `${DNS_RESULT} = dns_lookup(); next;`, undefined, 'dns');
  const reply = 'udp.dst = udp.src; udp.src = 53; outport = inport; flags.loopback = 1; output;';
  for (const ip of ['ip4', 'ip6'])
    add(
      'ls_in_dns_response',
      100,
      `udp.dst == 53 && ${DNS_RESULT}`,
      `eth.dst <-> eth.src; ${ip}.src <-> ${ip}.dst; ${reply}`,
    );
}
