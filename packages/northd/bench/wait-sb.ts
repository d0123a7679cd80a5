// `ovn-nbctl --wait=sb` without the process: one NB transaction carrying the change plus nb_cfg += 1
// (and a select that reads the new value back, as the IDL's increment does), then the clock stops when
// NB_Global.sb_cfg reaches that value, i.e. when northd has written the SB for it and said so.
// Also a watcher of SB_Global.nb_cfg, the signal the cold-start measurement waits for.
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
import type { Replica } from 'ovsdb-client-ts';
import { model as nbModel } from '@ovnts/schema/nb';
import { model as sbModel } from '@ovnts/schema/sb';

/** Bench clients: no inactivity probe (a server busy with a huge transaction is not dead), no reconnects. */
const CLIENT_OPTS = { inactivityProbeMs: 0, reconnect: false, leaderOnly: false } as const;

export class WaitSbClient {
  private constructor(
    readonly client: OvsdbClient,
    private readonly replica: Replica<typeof nbModel>,
  ) {}

  static async connect(remote: string): Promise<WaitSbClient> {
    const client = await OvsdbClient.connect(remote, CLIENT_OPTS);
    try {
      const replica = await client.monitor(nbModel, {
        tables: { NB_Global: { columns: ['nb_cfg', 'sb_cfg'] } },
        trackChanges: false,
        versions: false,
      });
      return new WaitSbClient(client, replica);
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  private global() {
    return [...this.replica.table('NB_Global').values()][0];
  }

  get nbCfg(): number {
    return this.global()?.nb_cfg ?? 0;
  }

  get sbCfg(): number {
    return this.global()?.sb_cfg ?? 0;
  }

  /** Resolve once NB_Global.sb_cfg ≥ cfg. */
  async waitSbCfg(cfg: number, timeoutMs: number, what: string): Promise<void> {
    try {
      await this.replica.waitFor(() => this.sbCfg >= cfg, timeoutMs);
    } catch (e) {
      throw new Error(
        `${what}: NB sb_cfg stayed at ${this.sbCfg} < ${cfg} for ${timeoutMs} ms (${(e as Error).message})`,
      );
    }
  }

  /**
   * Commit `ops` together with nb_cfg += 1 and wait for sb_cfg to follow. Returns the wall time in ms
   * from sending the transaction until the sb_cfg update arrived.
   */
  async change(ops: readonly WireOperation[], timeoutMs: number, what: string): Promise<number> {
    const t0 = performance.now();
    const res = await this.client.transact('OVN_Northbound', [
      ...ops,
      { op: 'mutate', table: 'NB_Global', where: [], mutations: [['nb_cfg', '+=', 1]] },
      { op: 'select', table: 'NB_Global', where: [], columns: ['nb_cfg'] },
    ]);
    const cfg = (res[res.length - 1] as { rows?: { nb_cfg?: number }[] } | undefined)?.rows?.[0]?.nb_cfg;
    if (typeof cfg !== 'number') throw new Error(`${what}: could not read back NB_Global.nb_cfg`);
    await this.waitSbCfg(cfg, timeoutMs, what);
    return performance.now() - t0;
  }

  async close(): Promise<void> {
    await this.replica.close().catch(() => undefined);
    await this.client.close();
  }
}

/** Follows SB_Global.nb_cfg of one SB (the row appears once a northd has written it). */
export class SbCfgWatcher {
  private constructor(
    private readonly client: OvsdbClient,
    private readonly replica: Replica<typeof sbModel>,
  ) {}

  static async connect(remote: string): Promise<SbCfgWatcher> {
    const client = await OvsdbClient.connect(remote, CLIENT_OPTS);
    try {
      const replica = await client.monitor(sbModel, {
        tables: { SB_Global: { columns: ['nb_cfg'] } },
        trackChanges: false,
        versions: false,
      });
      return new SbCfgWatcher(client, replica);
    } catch (e) {
      await client.close();
      throw e;
    }
  }

  get nbCfg(): number {
    return [...this.replica.table('SB_Global').values()][0]?.nb_cfg ?? -1;
  }

  /** Resolve once SB_Global.nb_cfg ≥ cfg; rejects early if `alive` turns false (the daemon died). */
  async waitNbCfg(cfg: number, timeoutMs: number, what: string, alive: () => boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.nbCfg < cfg) {
      if (!alive()) throw new Error(`${what}: the daemon exited before SB nb_cfg reached ${cfg}`);
      if (Date.now() > deadline)
        throw new Error(`${what}: SB nb_cfg stayed at ${this.nbCfg} < ${cfg} for ${timeoutMs} ms`);
      // The monitor update wakes this at once; the timeout only bounds the liveness check.
      await this.replica.waitFor(() => this.nbCfg >= cfg, 1_000).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.replica.close().catch(() => undefined);
    await this.client.close();
  }
}
