// Entry point of ovnts-northd, a drop-in ovn-northd: options, the daemon plumbing of @ovnts/daemon
// (vlog logging, pidfile, --detach, control socket), the control commands, and the Northd loop.
import {
  launchDaemon,
  parallelScavenge,
  sslFilesOf,
  startHeapGrowthPolicy,
  Stopwatches,
  versionText,
  type DaemonSetup,
} from '@ovnts/daemon';
import { Northd, NORTHD_STOPWATCHES } from '../daemon/northd.js';
import { NORTHD_INTERNAL_VERSION } from '../global-options.js';
import { registerNorthdCommands, type NorthdControl } from '../daemon/commands.js';
import { optionList, parseOptions, PROGRAM, usage } from '../daemon/options.js';

const NAME = 'ovnts-northd';

/** Log modules of ovn-northd (besides the common OVS ones), so -vMODULE and vlog/set accept them. */
const MODULES = [
  'ovn_northd',
  'northd',
  'en_northd',
  'en_lflow',
  'en_sync_to_sb',
  'inc_proc_eng',
  'inc_proc_northd',
  'ovn_parallel_hmap',
  'ovn_util',
  'ipam',
  'lb',
  'mac_binding_aging',
  'stopwatch',
];

function fail(msg: string): never {
  if (process.send) process.send({ error: msg });
  process.stderr.write(`${NAME}: ${msg}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2), process.env);
  for (const e of o.errors) process.stderr.write(`${NAME}: ${e}\n`);
  if (o.daemon.help) return void process.stdout.write(usage(process.env));
  if (o.daemon.listOptions) return void process.stdout.write(optionList());
  const version = versionText(PROGRAM, NAME);
  if (o.daemon.version) return void process.stdout.write(version);
  // The old generation's growth limit and the young generation's size follow the heap's size (@ovnts/daemon
  // heap-growth.ts, with the launcher's semi-space flags); a cold start also checks it per datapath.
  startHeapGrowthPolicy({ youngGeneration: true });
  // Until its first round writes to the SB, the daemon computes alone: its scavenges may use the idle core.
  parallelScavenge(true);
  const setup: DaemonSetup = {
    cfg: o.daemon,
    ovntsName: NAME,
    modules: MODULES,
    defaultModule: 'ovn_northd',
    components: { 'ovsdb-client': ['reconnect', 'jsonrpc'] },
    version,
  };
  const daemon = await launchDaemon(setup, fail);
  const log = daemon.logger;
  for (const [level, text] of o.notes) log[level](text);
  log.info(`OVN internal version is : [${NORTHD_INTERNAL_VERSION}]`);

  let northd: Northd | undefined;
  const control: NorthdControl = { current: () => northd, paused: o.paused, nThreads: o.nThreads, logger: log };
  registerNorthdCommands(daemon.ctl, control);
  const stopwatches = new Stopwatches(NORTHD_STOPWATCHES);
  stopwatches.register(daemon.ctl);
  daemon.onExit(async () => {
    await northd?.stop();
  });
  daemon.ready();

  // The databases may not be up yet: keep trying, as ovn-northd does.
  const ssl = sslFilesOf(o.daemon.ssl);
  while (!northd) {
    try {
      northd = await Northd.start({
        nbRemote: o.nbRemote,
        sbRemote: o.sbRemote,
        logger: log,
        noIncremental: o.noIncremental,
        paused: control.paused,
        stopwatches,
        ...(ssl ? { ssl } : {}),
      });
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'cannot connect to the databases yet; retrying');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  // A pause or resume that came while connecting (the instance started in the state of that moment).
  if (control.paused) await northd.pause();
  else await northd.resume();
}

main().catch((e: unknown) => {
  fail((e as Error).message);
});
