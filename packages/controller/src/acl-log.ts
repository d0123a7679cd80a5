// The line an ACL's log(…) action writes (pure): name, verdict, severity, direction (from-lport in the
// ingress pipeline, to-lport in the egress one) and the packet's headers in OVS flow syntax. The userdata
// body is verdict (1 byte), severity (1 byte), then the ACL name.
import { OFTABLE } from '@ovnts/expr';
import { packetFlowText } from './flow-text.js';

const VERDICTS = ['allow', 'drop', 'reject'];
const SEVERITIES: Record<number, string> = { 1: 'alert', 4: 'warning', 5: 'notice', 6: 'info', 7: 'debug' };

export function aclLogLine(body: Buffer, tableId: number, packet: Buffer): string | undefined {
  if (body.length < 2) return undefined;
  const verdict = VERDICTS[body[0]!];
  const severity = SEVERITIES[body[1]!];
  if (!verdict || !severity) return undefined;
  const name = body.length > 2 ? body.subarray(2).toString('utf8') : '<unnamed>';
  const direction = tableId < OFTABLE.egress ? 'from-lport' : 'to-lport';
  return `name="${name}", verdict=${verdict}, severity=${severity}, direction=${direction}: ${packetFlowText(packet)}`;
}
