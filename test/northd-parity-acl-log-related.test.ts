// Parity of ACL options:log-related against the real ovn-northd: with a stateful ACL on the switch,
// every allow ACL with a label and logging logs its reply and related traffic at priority 65533 in the
// opposite pipeline; without a label, or with the option off, nothing extra.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const acl = (
  id: string,
  o: { action: string; direction: string; label: number; logRelated: string; name: string },
) => ({
  op: 'insert',
  table: 'ACL',
  'uuid-name': id,
  row: {
    action: o.action,
    direction: o.direction,
    priority: 100,
    match: o.direction === 'from-lport' ? 'ip4 && udp' : 'ip4 && tcp',
    log: true,
    name: o.name,
    label: o.label,
    options: map({ 'log-related': o.logRelated }),
  },
});

const nbOps = [
  acl('a1', { action: 'allow', direction: 'from-lport', label: 1, logRelated: 'true', name: 'allow_acl' }),
  acl('a2', { action: 'allow-related', direction: 'to-lport', label: 2, logRelated: 'true', name: 'related' }),
  acl('a3', { action: 'allow-related', direction: 'from-lport', label: 0, logRelated: 'true', name: 'no_label' }),
  acl('a4', { action: 'allow-related', direction: 'to-lport', label: 4, logRelated: 'false', name: 'off' }),
  acl('a5', { action: 'allow-stateless', direction: 'to-lport', label: 5, logRelated: 'true', name: 'stateless' }),
  {
    op: 'insert',
    table: 'Logical_Switch',
    row: { name: 'sw0', acls: ['set', ['a1', 'a2', 'a3', 'a4', 'a5'].map((a) => ['named-uuid', a])] },
  },
];

describe('parity: ACL log-related', () => {
  const sandbox = useSandbox();
  it('reply and related traffic logging', async () => {
    const r = await runParityCase(sandbox(), {
      name: 'log-related',
      nbOps,
      nbctl: [['lsp-add', 'sw0', 'p1', '--', 'lsp-set-addresses', 'p1', '00:00:00:00:00:01 10.0.0.1']],
      packets: [],
    });
    console.log(formatFlowDiff('log-related', r));
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
  });
});
