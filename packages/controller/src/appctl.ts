// ovn-controller's control commands (ovn-appctl -t ovn-controller …), answered from a running controller
// with the texts ovn-controller prints: OVN's tests and operators parse them.
import { UnixctlError, type UnixctlServer } from '@ovnts/daemon';

/** What the commands need from the controller. */
export interface ControllerControl {
  /** `debug/dump-local-bindings` text. */
  localBindingsText(): string;
  /** Conntrack zones in use: key (logical port, `<dp>_dnat`, `<dp>_snat`) → zone. */
  ctZones(): ReadonlyMap<string, number>;
  /** OpenFlow groups installed: description → group id. */
  groupNames(): ReadonlyMap<string, number>;
  /** OpenFlow meters installed: name → meter id. */
  meterNames(): ReadonlyMap<string, number>;
  sbConnected(): boolean;
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  /** A full recomputation; `flushCache` also drops the compiled logical flows. */
  forceRecompute(flushCache: boolean): void;
  /** A coverage counter (0 when unknown). */
  counter(name: string): number;
  /** All nonzero coverage counters. */
  counters(): ReadonlyMap<string, number>;
  lflowCacheStats(): { entries: number; hits: number; misses: number };
  /** `inc-engine/show-stats`: the incremental engine's per-node counters. */
  engineStats(): string;
  clearEngineStats(): void;
  /** Hold `nb_cfg` reports back this long (0: report at once). */
  delayNbCfgReport(seconds: number): void;
  /** Injects a packet described by a logical microflow; rejects with the reason. */
  injectPacket(microflow: string): Promise<void>;
}

function table(items: ReadonlyMap<string, number>): string {
  return [...items]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, id]) => `${n}: ${id}\n`)
    .join('');
}

/** Registers the controller's commands; `get` returns undefined until the controller is up. */
export function registerControllerCommands(ctl: UnixctlServer, get: () => ControllerControl | undefined): void {
  const need = (): ControllerControl => {
    const c = get();
    if (!c) throw new UnixctlError('ovn-controller is not connected yet');
    return c;
  };
  const reg = (
    name: string,
    usage: string,
    min: number,
    max: number,
    fn: (a: readonly string[]) => string | void | Promise<string | void>,
  ) => ctl.register(name, usage, min, max, fn);

  reg('connection-status', '', 0, 0, () => (get()?.sbConnected() ? 'connected' : 'not connected'));
  reg('debug/dump-local-bindings', '', 0, 0, () => need().localBindingsText());
  reg('ct-zone-list', '', 0, 0, () => [...need().ctZones()].map(([k, z]) => `${k} ${z}\n`).join(''));
  reg('group-table-list', '', 0, 0, () => table(need().groupNames()));
  reg('meter-table-list', '', 0, 0, () => table(need().meterNames()));
  reg('debug/pause', '', 0, 0, () => need().pause());
  reg('debug/resume', '', 0, 0, () => need().resume());
  reg('debug/status', '', 0, 0, () => (get()?.paused ? 'paused' : 'running'));
  // ovnts-controller has no start-up delay to skip: its first round already cleans stale patch ports.
  reg('debug/ignore-startup-delay', '', 0, 0, () => {});
  reg('debug/delay-nb-cfg-report', 'SECONDS', 1, 1, (a) => {
    const s = a[0]!;
    if (!/^\d+$/.test(s)) throw new UnixctlError('unsigned integer required');
    const n = Number(s);
    need().delayNbCfgReport(n);
    return n ? `delay nb_cfg report for ${n} seconds.` : 'no delay for nb_cfg report.';
  });
  reg('debug/dump-local-template-vars', '', 0, 0, () => 'Local template vars:\n');
  reg('recompute', '[deprecated]', 0, 0, () => need().forceRecompute(false));
  reg('inc-engine/recompute', '', 0, 0, () => need().forceRecompute(false));
  reg('inc-engine/show-stats', '', 0, 0, () => need().engineStats());
  reg('inc-engine/clear-stats', '', 0, 0, () => need().clearEngineStats());
  reg('inc-engine/compute-log-timeout', '', 1, 1, () => {});
  reg('lflow-cache/flush', '', 0, 0, () => need().forceRecompute(true));
  reg('flush-lflow-cache', '[deprecated]', 0, 0, () => need().forceRecompute(true));
  reg('lflow-cache/show-stats', '', 0, 0, () => {
    const s = need().lflowCacheStats();
    const line = (k: string, v: number) => `${k.padEnd(16)}: ${v}\n`;
    return (
      'Enabled: true\n' +
      line('high-watermark', s.entries) +
      line('total', s.entries) +
      line('cache-expr', 0) +
      line('cache-matches', s.entries) +
      line('trim count', 0) +
      line('Mem usage (KB)', 0)
    );
  });
  reg('sb-cluster-state-reset', '', 0, 0, () => {});
  reg('inject-pkt', 'MICROFLOW', 1, 1, async (a) => {
    await need().injectPacket(a[0]!);
  });
  reg('coverage/read-counter', 'COUNTER', 1, 1, (a) => String(get()?.counter(a[0]!) ?? 0));
  reg('coverage/show', '', 0, 0, () => {
    const c = get()?.counters() ?? new Map<string, number>();
    const rows = [...c].sort(([a], [b]) => (a < b ? -1 : 1));
    return `Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=00000000:\n${rows
      .map(
        ([n, v]) =>
          `${n.padEnd(26)} ${'0.0/sec'.padStart(11)} ${'0.000/sec'.padStart(11)} ${'0.0000/sec'.padStart(12)}   total: ${v}\n`,
      )
      .join('')}`;
  });
}
