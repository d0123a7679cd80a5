// Parity of switch ports' own admission and learning flows against the real ovn-northd: qdisc queues
// (options:qdisc_queue_id), vtep ports skipping the ingress pipeline, disabled ports, MAC learning on a
// localnet port (options:localnet_learn_fdb) and ARP/ND answers withheld for ports that are down
// (NB_Global options:ignore_lsp_down=false).
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase } from '@ovnts/northd/testing';

const cases: { name: string; nbctl: string[][] }[] = [
  {
    name: 'qdisc queues, vtep and disabled ports',
    nbctl: [
      ['ls-add', 'sw0'],
      ['lsp-add', 'sw0', 'sw0p1', '--', 'lsp-set-addresses', 'sw0p1', '00:00:00:00:00:01'],
      ['lsp-add', 'sw0', 'sw0p2', '--', 'lsp-set-addresses', 'sw0p2', '00:00:00:00:00:02'],
      ['lsp-add', 'sw0', 'sw0p3', '--', 'lsp-set-addresses', 'sw0p3', '00:00:00:00:00:03 10.0.0.3'],
      ['lsp-add', 'sw0', 'localnetport', '--', 'lsp-set-type', 'localnetport', 'localnet'],
      ['lsp-set-port-security', 'sw0p2', '00:00:00:00:00:02 10.0.0.4 1000::4'],
      ['lsp-set-options', 'sw0p2', 'qdisc_queue_id=10'],
      ['lsp-set-type', 'sw0p1', 'vtep'],
      ['lsp-set-options', 'sw0p1', 'qdisc_queue_id=7'],
      ['lsp-set-options', 'localnetport', 'qdisc_queue_id=10', 'network_name=phys'],
      ['set', 'logical_switch_port', 'sw0p3', 'enabled=false'],
      // A distributed gateway port on the switch: ramp traffic to it is answered on its chassis.
      ['lr-add', 'lr0'],
      ['lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.254/24'],
      ['lrp-set-gateway-chassis', 'lr0-sw0', 'hv1'],
      ['lsp-add', 'sw0', 'sw0-lr0', '--', 'lsp-set-type', 'sw0-lr0', 'router'],
      ['lsp-set-addresses', 'sw0-lr0', 'router'],
      ['lsp-set-options', 'sw0-lr0', 'router-port=lr0-sw0'],
    ],
  },
  {
    name: 'MAC learning on a localnet port',
    nbctl: [
      ['ls-add', 'ls0'],
      ['lsp-add', 'ls0', 'ln_port', '--', 'lsp-set-addresses', 'ln_port', 'unknown'],
      ['lsp-set-type', 'ln_port', 'localnet'],
      ['lsp-set-options', 'ln_port', 'network_name=phys', 'localnet_learn_fdb=true'],
      ['lsp-add', 'ls0', 'ln_other', '--', 'lsp-set-addresses', 'ln_other', 'unknown'],
      ['lsp-set-type', 'ln_other', 'localnet'],
      ['lsp-set-options', 'ln_other', 'network_name=phys2', 'localnet_learn_fdb=false'],
      ['lsp-add', 'ls0', 'vm1', '--', 'lsp-set-addresses', 'vm1', 'unknown'],
    ],
  },
  {
    name: 'ignore_lsp_down=false',
    nbctl: [
      ['set', 'NB_Global', '.', 'options:ignore_lsp_down=false'],
      ['ls-add', 'sw0'],
      ['lsp-add', 'sw0', 'sw0-p1', '--', 'lsp-set-addresses', 'sw0-p1', 'aa:aa:aa:aa:aa:aa 10.0.0.1 1000::1'],
      ['lsp-add', 'sw0', 'lp', '--', 'lsp-set-type', 'lp', 'localport'],
      ['lsp-set-addresses', 'lp', 'aa:aa:aa:aa:aa:ab 10.0.0.2'],
      ['lr-add', 'lr0'],
      ['lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.254/24'],
      ['lsp-add', 'sw0', 'sw0-lr0', '--', 'lsp-set-type', 'sw0-lr0', 'router'],
      ['lsp-set-addresses', 'sw0-lr0', 'router'],
      ['lsp-set-options', 'sw0-lr0', 'router-port=lr0-sw0'],
    ],
  },
];

describe('parity: switch port admission and learning', () => {
  const sandbox = useSandbox();
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runParityCase(sandbox(), { name: c.name, nbctl: c.nbctl, packets: [] });
      console.log(formatFlowDiff(c.name, r));
      // The router is there for its switch's flows; what a vtep peer changes in a gateway router's
      // own pipeline is not compared here.
      const mine = (lines: readonly string[]) => lines.filter((l) => !l.startsWith('lr0 '));
      expect({ missing: mine(r.missing), extra: mine(r.extra) }).toEqual({ missing: [], extra: [] });
    });
  }
});
