// Start order: a chassis whose real ovn-controller 23.03 comes up BEFORE ovnts-northd, on empty NB and SB
// databases (as in a fresh Kubernetes cluster, where the node daemonset starts first). Northd must create
// NB_Global itself and give the chassis SB_Global's options and the RBAC rows at once.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';
import { oneShotTwoVmsPing } from './controller-fixtures.js';

describe('start order: real ovn-controller before ovnts-northd', () => {
  const sandbox = useSandbox();

  it('empty databases, controller first, NB built by one-shot nbctl calls: pings pass, the controller never restarts', async () => {
    const sb = sandbox();
    // Not startCentral(): the NB stays uninitialised (no NB_Global) until northd creates it.
    const nb = await sb.startDb('nb');
    const sbdb = await sb.startDb('sb');
    // The SB is initialised as ovn-ctl does when it starts the database (`ovn-sbctl init`: an SB_Global
    // row, no options): a 23.03.1 ovn-controller connecting to an SB without any SB_Global row segfaults
    // at once, whatever northd runs (measured: exit 139 with no northd at all).
    await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'init']);
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix });
    const controller = await hv.startRealController();
    // The controller has registered its chassis against an SB with no SB_Global before northd exists.
    await waitFor(
      'the chassis row',
      async () =>
        (
          await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--bare', '--columns=name', 'list', 'Chassis'])
        ).trim() !== '',
      20_000,
    );
    const northd = await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
    const sbctl = (...a: string[]) => sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, ...a]);
    // NB_Global, SB_Global (with the options a controller reads) and the RBAC rows, with an empty NB.
    await waitFor(
      'NB_Global and SB_Global',
      async () => (await sbctl('--bare', '--columns=options', 'list', 'SB_Global')).includes('mac_prefix'),
      20_000,
    );
    expect(
      (
        await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--bare', '--columns=options', 'list', 'NB_Global'])
      ).trim(),
    ).toMatch(/northd_internal_version=/);
    expect(await sbctl('--bare', '--columns=name', 'list', 'RBAC_Role')).toMatch(/ovn-controller/);

    // One-shot calls, each its own transaction, as a CMS without --wait would make them.
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=20', ...a]);
    expect(await oneShotTwoVmsPing(nbctl, hv)).toMatch(/ 0% packet loss/);
    expect((await nbctl('lsp-get-up', 'vm1')).trim()).toBe('up');
    // The same controller process throughout: it neither crashed nor was restarted.
    expect(controller.alive).toBe(true);
    const clog = await controller.log();
    expect(clog).not.toMatch(/Segmentation|SIGSEGV|terminating with signal|backtrace/i);
    expect(await northd.log()).not.toMatch(/"level":50|\|ERR\|/);
  });
});
