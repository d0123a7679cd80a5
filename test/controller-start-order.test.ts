// Start order, the other way round from northd-start-order.test.ts: ovnts-controller comes up first, on NB and
// SB databases that are truly empty (no `ovn-sbctl init`, so not even an SB_Global row), and the northd — the
// real ovn-northd 23.03 or ovnts-northd — starts only after the chassis has registered. The controller must
// wait for what it needs (SB_Global options, its datapaths) instead of crashing or exiting.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor, type Daemon, type Sandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { oneShotTwoVmsPing } from './controller-fixtures.js';

const northds: ReadonlyArray<[string, (sb: Sandbox, nb: string, sbr: string) => Promise<Daemon>]> = [
  ['the real ovn-northd', (sb, nb, sbr) => sb.startRealNorthd(nb, sbr)],
  ['ovnts-northd', (sb, nb, sbr) => startOvntsNorthd(sb, nb, sbr)],
];

describe.each(northds)('start order: ovnts-controller before %s', (_name, startNorthd) => {
  const sandbox = useSandbox();

  it('empty databases, controller first, NB built by one-shot nbctl calls: pings pass, the controller never restarts', async () => {
    const sb = sandbox();
    const nb = await sb.startDb('nb');
    const sbdb = await sb.startDb('sb');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const controller = await hv.startOvntsController();
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a]);
    // The chassis registers against an SB without any SB_Global row, before any northd exists.
    await waitFor(
      'the chassis row',
      async () => (await sbctl('--bare', '--columns=name', 'list', 'Chassis')).trim() !== '',
      60_000,
    );
    expect(controller.alive).toBe(true);
    // The real ovn-northd does not create NB_Global; ovn-ctl runs `ovn-nbctl init` for it.
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    const northd = await startNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);

    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=60', ...a]);
    expect(await oneShotTwoVmsPing(nbctl, hv)).toMatch(/ 0% packet loss/);
    expect((await nbctl('lsp-get-up', 'vm1')).trim()).toBe('up');
    expect(controller.alive).toBe(true);
    expect(northd.alive).toBe(true);
    expect(await controller.log()).not.toMatch(/\|ERR\||\|EMER\||uncaught|TypeError/);
  }, 300_000);
});
