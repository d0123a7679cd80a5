// ovn-northd's control commands (ovn-northd(8), "Runtime management commands") on the daemon's control
// socket, with ovn-northd's replies. The Northd instance may not exist yet (databases still
// unreachable) or be replaced after a reconnect: commands read it through `current`.
import { UnixctlError, type UnixctlServer } from '@ovnts/daemon';
import type { Logger } from 'pino';
import { MAX_THREADS } from './options.js';
import type { Northd } from './northd.js';

export interface NorthdControl {
  /** The running instance, if connected. */
  current(): Northd | undefined;
  /** Whether the daemon is paused (kept here too: it outlives instances). */
  paused: boolean;
  /** Parallel build threads (reported; ovnts computes on one thread). */
  nThreads: number;
  readonly logger: Logger;
}

/** Chassis features northd derives from Chassis.other_config, in `debug/chassis-features-list` order. */
const FEATURE_NAMES = ['ct_no_masked_label', 'ct_lb_related', 'mac_binding_timestamp'] as const;

export function registerNorthdCommands(ctl: UnixctlServer, c: NorthdControl): void {
  ctl.register('pause', '', 0, 0, async () => {
    c.paused = true;
    await c.current()?.pause();
  });
  ctl.register('resume', '', 0, 0, async () => {
    c.paused = false;
    await c.current()?.resume();
  });
  ctl.register('is-paused', '', 0, 0, () => (c.paused ? 'true' : 'false'));
  ctl.register('status', '', 0, 0, () => {
    const n = c.current();
    const status = c.paused ? 'paused' : n?.active ? 'active' : 'standby';
    return `Status: ${status}\n`;
  });
  ctl.register('inc-engine/show-stats', '', 0, 2, (args) => {
    const n = c.current();
    if (!n) return '';
    return showStats(n.engine.showStats(), args[0], args[1]);
  });
  ctl.register('inc-engine/clear-stats', '', 0, 0, () => c.current()?.engine.clearStats());
  ctl.register('inc-engine/recompute', '', 0, 0, () => {
    c.logger.child({ module: 'inc_proc_eng' }).info('User triggered force recompute.');
    c.current()?.forceRecompute();
  });
  // ovnts's clients keep no cluster index to reset; the commands are answered as ovn-northd answers them.
  ctl.register('nb-cluster-state-reset', '', 0, 0, () => {
    c.logger.info('Resetting northbound database cluster state');
  });
  ctl.register('sb-cluster-state-reset', '', 0, 0, () => {
    c.logger.info('Resetting southbound database cluster state');
  });
  ctl.register('nb-connection-status', '', 0, 0, () => (c.current() ? 'connected' : 'not connected'));
  ctl.register('sb-connection-status', '', 0, 0, () => (c.current() ? 'connected' : 'not connected'));
  ctl.register('parallel-build/set-n-threads', 'N_THREADS', 1, 1, (args) => {
    const n = atoi(args[0]!);
    if (n < 1 || n > MAX_THREADS) throw new UnixctlError(`invalid n_threads: ${n}\n`);
    if (n !== c.nThreads) c.logger.child({ module: 'ovn_parallel_hmap' }).info(`Setting thread count to ${n}`);
    c.nThreads = n;
  });
  ctl.register('parallel-build/get-n-threads', '', 0, 0, () => `${c.nThreads}\n`);
  ctl.register('debug/chassis-features-list', '', 0, 0, () => {
    const f = c.current()?.chassisFeatures() ?? {};
    return FEATURE_NAMES.map((name) => `${`${name}:`.padEnd(23)}${f[name] ?? true}\n`).join('');
  });
}

/** C's atoi: optional sign and leading digits, else 0. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/**
 * `inc-engine/show-stats [NODE [STAT]]` from the engine's full listing ("Node: NAME" blocks of
 * "- STAT: N" lines): one node's block, or one bare number, as ovn-northd prints them.
 */
export function showStats(all: string, node?: string, stat?: string): string {
  if (!node) return all;
  const blocks = all.split(/^(?=Node: )/m);
  const block = blocks.find((b) => b.startsWith(`Node: ${node}\n`));
  if (!block) return '';
  if (!stat) return block;
  if (!['recompute', 'compute', 'abort'].includes(stat)) return `Invalid stat type : ${stat}`;
  const m = new RegExp(`^- ${stat}:\\s+(\\d+)`, 'm').exec(block);
  return m ? m[1]! : '0';
}
