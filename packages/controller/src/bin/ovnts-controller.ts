// Entry point of ovnts-controller, a drop-in ovn-controller: options, the daemon plumbing of
// @ovnts/daemon (vlog logging, pidfile, --detach, control socket), then the controller until `exit` or
// a signal.
import { launchDaemon, sslFilesOf, startHeapGrowthPolicy, versionText, type DaemonSetup } from '@ovnts/daemon';
import { sharedPartsSize } from '@ovnts/expr';
import { ConfigError } from '../config.js';
import { startController, type ControllerHandle } from '../controller.js';
import { PROGRAM, UsageError, parseCli, usage } from '../options.js';
import { registerControllerCommands } from '../appctl.js';

const NAME = 'ovnts-controller';

/** Log modules of ovn-controller (besides the common OVS ones), so -vMODULE and vlog/set accept them. */
const MODULES = [
  'main',
  'ofctrl',
  'ofctrl_seqno',
  'pinctrl',
  'acl_log',
  'binding',
  'physical',
  'lflow',
  'lflow_cache',
  'chassis',
  'encaps',
  'patch',
  'if_status',
  'lport',
  'ha_chassis',
  'lb',
  'local_data',
  'mac_learn',
  'ovn_util',
  'inc_proc_eng',
  'features',
  'vif_plug',
  'rconn',
  'vconn',
  'vconn_stream',
];

function fail(msg: string): never {
  if (process.send) process.send({ error: msg });
  process.stderr.write(`${NAME}: ${msg}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof UsageError) fail(`${e.message} (use --help for help)`);
    throw e;
  }
  for (const e of cli.errors) process.stderr.write(`${NAME}: ${e}\n`);
  if (cli.daemon.help) return void process.stdout.write(usage(process.env));
  const version = versionText(PROGRAM, NAME, ['OpenFlow versions 0x6:0x6', 'SB DB Schema 20.27.0']);
  if (cli.daemon.version) return void process.stdout.write(version);
  // The old generation's growth limit, as ovnts-northd's (@ovnts/daemon heap-growth.ts).
  startHeapGrowthPolicy();
  const setup: DaemonSetup = {
    cfg: cli.daemon,
    ovntsName: NAME,
    modules: MODULES,
    defaultModule: 'main',
    components: { 'ovsdb-client': ['reconnect', 'jsonrpc'], openflow: 'rconn' },
    version,
  };
  const daemon = await launchDaemon(setup, fail);
  const logger = daemon.logger;
  let handle: ControllerHandle | undefined;
  // Leaving releases this chassis's bindings and removes it from the SB, as ovn-controller's exit does;
  // `exit --restart` leaves them for the next instance.
  let cleanup = true;
  daemon.onExit(async () => {
    await handle?.stop({ cleanup });
  });
  daemon.ctl.register('exit', '[--restart]', 0, 1, (args) => {
    cleanup = args[0] !== '--restart';
    setImmediate(() => void daemon.exit(0));
  });
  registerControllerCommands(daemon.ctl, () => handle?.control);
  // memory/show: the SB slice this chassis holds (ovn-controller prints its IDL cell counts).
  daemon.memoryCounters = (): Record<string, number> => {
    if (!handle) return {};
    const st = handle.stats();
    return {
      'idl-cells-OVN_Southbound': st.sbCells,
      'sb-rows': Object.values(st.sbRows).reduce((a, b) => a + b, 0),
      // The two rows counts a flow count follows (the soak divides RSS by them).
      'sb-logical-flows': st.sbRows['Logical_Flow'] ?? 0,
      'sb-port-bindings': st.sbRows['Port_Binding'] ?? 0,
      // Rounds whose flows differed from a full computation (only counted with OVNTS_CONTROLLER_CHECK_EQUIVALENCE=1).
      'equivalence-failures': st.equivalenceFailures,
      'sb-bytes-received': st.sbBytesIn,
      // Distinct match entries and actions the compiled flows share (bounded: expr shared-parts.ts).
      'shared-flow-parts': sharedPartsSize(),
    };
  };
  daemon.ready();
  try {
    const ssl = sslFilesOf(cli.daemon.ssl);
    handle = await startController({ ovsRemote: cli.ovsRemote, logger, ...(ssl ? { ssl } : {}) });
    logger.info({ chassis: handle.chassisName }, 'ovnts-controller started');
  } catch (e) {
    const msg = e instanceof ConfigError || e instanceof Error ? e.message : String(e);
    logger.error(msg);
    process.stderr.write(`${NAME}: ${msg}\n`);
    await daemon.exit(1);
  }
}

main().catch((e: unknown) => {
  fail((e as Error).message);
});
