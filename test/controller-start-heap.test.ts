// The controller's start builds its flow table, live until the end: while it computes, up to its first flow
// installation, the old generation may grow as for northd's cold start (@ovnts/daemon relaxHeapGrowth); after it,
// the daemon's limit is back.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor } from '@ovnts/test-harness';
import { startController } from '@ovnts/controller';
import { heapGrowingPercent, limitHeapGrowth } from '@ovnts/daemon';
import { addVif, startCentral } from './controller-fixtures.js';

describe('ovnts-controller start: heap growth', () => {
  const sandbox = useSandbox();

  it('relaxes the growth limit until the first flow installation, then restores it', async () => {
    const sb = sandbox();
    const { sbdb, nbctl } = await startCentral(sb);
    await nbctl('ls-add', 'ls1');
    await addVif(nbctl, 'ls1', 'vm1', '02:ac:10:01:00:11 192.168.1.11');
    const hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv1' });
    limitHeapGrowth();
    const limited = heapGrowingPercent();
    const starting = startController({ ovsRemote: hv.db.remotes.unix, rundir: hv.rundir });
    // Set before the start's first wait.
    expect(heapGrowingPercent()).toBeGreaterThan(limited);
    const c = sb.own(await starting);
    await waitFor('first installation', () => c.stats().lastInstall.add > 0, 60_000);
    expect(heapGrowingPercent()).toBe(limited);
  }, 120_000);
});
