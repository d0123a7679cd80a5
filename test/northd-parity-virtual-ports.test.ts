// Parity of virtual switch ports (type=virtual, options:virtual-ip and virtual-parents) against the real
// ovn-northd 23.03: the ls_in_arp_rsp flows binding the port when a parent announces the virtual IP
// (bind_vport), and the router's resolution of the virtual IP: to its bound parent's MAC once
// ovn-controller has set Port_Binding.virtual_parent, else left to ARP.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { formatFlowDiff, runParityCase, startOvntsNorthd } from '@ovnts/northd/testing';

const vport = (name: string, addresses: string, vip: string, parents: string) => [
  ['lsp-add', 'sw0', name, '--', 'lsp-set-addresses', name, addresses],
  ['lsp-set-port-security', name, addresses],
  ['lsp-set-type', name, 'virtual'],
  ['set', 'logical_switch_port', name, `options:virtual-ip=${vip}`, `options:virtual-parents=${parents}`],
];

const base = [
  ['ls-add', 'sw0'],
  ...vport('sw0-vir', '50:54:00:00:00:10 10.0.0.10', '10.0.0.10', 'sw0-p1,sw0-p2,sw0-p3'),
  ...vport('sw0-vir6', '50:54:00:00:00:11 1000::61d1', '1000::61d1', 'sw0-p1,sw0-p2,sw0-p3'),
  ['lsp-add', 'sw0', 'sw0-p1', '--', 'lsp-set-addresses', 'sw0-p1', '50:54:00:00:00:03 10.0.0.3 1000::3'],
  ['lsp-set-port-security', 'sw0-p1', '50:54:00:00:00:03 10.0.0.3 10.0.0.10 1000::3'],
  ['lsp-add', 'sw0', 'sw0-p2', '--', 'lsp-set-addresses', 'sw0-p2', '50:54:00:00:00:04 10.0.0.4 1000::4'],
  ['lsp-add', 'sw0', 'sw0-p3', '--', 'lsp-set-addresses', 'sw0-p3', '50:54:00:00:00:05 10.0.0.5 1000::5'],
  ['ls-add', 'sw1'],
  ['lsp-add', 'sw1', 'sw1-p1', '--', 'lsp-set-addresses', 'sw1-p1', '40:54:00:00:00:03 20.0.0.3 2000::3'],
  ['lr-add', 'lr0'],
  ['lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.1/24', '1000::a/64'],
  ['lsp-add', 'sw0', 'sw0-lr0', '--', 'lsp-set-type', 'sw0-lr0', 'router'],
  ['lsp-set-addresses', 'sw0-lr0', '00:00:00:00:ff:01'],
  ['lsp-set-options', 'sw0-lr0', 'router-port=lr0-sw0'],
  ['lrp-add', 'lr0', 'lr0-sw1', '00:00:00:00:ff:02', '20.0.0.1/24', '2000::a/64'],
  ['lsp-add', 'sw1', 'sw1-lr0', '--', 'lsp-set-type', 'sw1-lr0', 'router'],
  ['lsp-set-addresses', 'sw1-lr0', '00:00:00:00:ff:02'],
  ['lsp-set-options', 'sw1-lr0', 'router-port=lr0-sw1'],
];

const cases: {
  name: string;
  nbctl: string[][];
  sbctl?: string[][];
  sbctlAfter?: string[][];
  readPortBindings?: boolean;
  /** lr_in_arp_resolve actions for the virtual IPs, as both northds must write them. */
  resolve: string[];
}[] = [
  {
    name: 'virtual ports not claimed',
    nbctl: base,
    resolve: ['eth.dst = 00:00:00:00:00:00; next;', 'eth.dst = 00:00:00:00:00:00; next;'],
  },
  {
    name: 'a parent in another switch, an unknown parent, a bad virtual IP, no parents',
    nbctl: [
      ...base,
      ...vport('sw0-vir2', '50:54:00:00:00:12 10.0.0.12', '10.0.0.12', 'sw1-p1,nope,sw0-p2'),
      ...vport('sw0-vir3', '50:54:00:00:00:13 10.0.0.13', '10.0.0.300', 'sw0-p1'),
      ['lsp-add', 'sw0', 'sw0-vir4', '--', 'lsp-set-type', 'sw0-vir4', 'virtual'],
      ['set', 'logical_switch_port', 'sw0-vir4', 'options:virtual-ip=10.0.0.14'],
      // A virtual IP outside every router network: no resolution flow.
      ...vport('sw0-vir5', '50:54:00:00:00:15 30.0.0.15', '30.0.0.15', 'sw0-p1'),
    ],
    resolve: Array(3).fill('eth.dst = 00:00:00:00:00:00; next;'),
  },
  {
    name: 'virtual ports claimed through a parent',
    nbctl: base,
    sbctl: [['chassis-add', 'hv1', 'geneve', '127.0.0.11']],
    readPortBindings: true,
    sbctlAfter: [
      ['lsp-bind', 'sw0-p1', 'hv1'],
      ['lsp-bind', 'sw0-vir', 'hv1'],
      ['set', 'Port_Binding', 'sw0-vir', 'virtual_parent=sw0-p1'],
      ['lsp-bind', 'sw0-vir6', 'hv1'],
      ['set', 'Port_Binding', 'sw0-vir6', 'virtual_parent=sw0-p3'],
    ],
    resolve: ['eth.dst = 50:54:00:00:00:03; next;', 'eth.dst = 50:54:00:00:00:05; next;'],
  },
];

describe('parity: virtual switch ports', () => {
  const sandbox = useSandbox();
  for (const c of cases) {
    it(c.name, { timeout: 240_000 }, async () => {
      const r = await runParityCase(sandbox(), { ...c, packets: [] });
      console.log(formatFlowDiff(c.name, r));
      expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
      const vips = /(reg0|xxreg0) == (10\.0\.0\.1\d|1000::61d1)$/;
      const resolve = r.compiled.logicalFlows.filter((f) => f.stageName === 'lr_in_arp_resolve' && vips.test(f.match));
      expect(resolve.map((f) => f.actions).sort()).toEqual(c.resolve);
      // `ovn-sbctl lsp-bind` sets `up` in the real SB, which the compiled rows never carry.
      const noUp = (b: unknown) =>
        JSON.parse(JSON.stringify(b), (k, v: unknown) => (k === 'up' ? undefined : v)) as unknown;
      expect(noUp(r.bindings.ours)).toEqual(noUp(r.bindings.real));
    });
  }

  it(
    "ovnts-northd follows ovn-controller's binding of a virtual port in its routers' flows (the routers node's handler)",
    { timeout: 180_000 },
    async () => {
      const sb = sandbox();
      const { nb, sb: sbdb } = await sb.startCentral();
      await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'init']);
      await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
      const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
      const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=20', ...a]);
      for (const args of base) await nbctl(...args);
      await nbctl('--wait=sb', 'sync');
      await sbctl('chassis-add', 'hv1', 'geneve', '127.0.0.11');
      const resolution = async () =>
        (await sbctl('lflow-list', 'lr0'))
          .split('\n')
          .filter((l) => l.includes('lr_in_arp_resolve') && l.includes('reg0 == 10.0.0.10'))
          .map((l) => /action=\((.*)\)$/.exec(l.trim())?.[1]);
      expect(await resolution()).toEqual(['eth.dst = 00:00:00:00:00:00; next;']);
      // What pinctrl does on a parent's GARP: the port is bound, its parent recorded.
      await sbctl('lsp-bind', 'sw0-vir', 'hv1');
      await sbctl('set', 'Port_Binding', 'sw0-vir', 'virtual_parent=sw0-p2');
      await waitFor(
        'resolution to sw0-p2',
        async () => (await resolution()).join() === 'eth.dst = 50:54:00:00:00:04; next;',
        60_000,
      );
      // Released (the parent went away): back to ARP.
      await sbctl('clear', 'Port_Binding', 'sw0-vir', 'virtual_parent');
      await sbctl('lsp-unbind', 'sw0-vir');
      await waitFor(
        'resolution by ARP',
        async () => (await resolution()).join() === 'eth.dst = 00:00:00:00:00:00; next;',
        60_000,
      );
    },
  );
});
