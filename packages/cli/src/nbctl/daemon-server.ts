// ovnts-nbctl --detach: the server of ovn-nbctl's daemon mode. One NB session for its lifetime; each
// `run` request (a client's options, "--", its commands) is parsed and executed as a direct run would
// be, its output the reply and its error the error reply. Logs go to the daemon's vlog destinations.
import { parseArgs, UsageError, type GlobalOptions } from './args.js';
import {
  execute,
  Exit,
  loadNb,
  NB_SCHEMA_VERSION,
  OVN_VERSION,
  OVNTS_VERSION,
  sslOption,
  TimeoutExpired,
  type Io,
} from './execute.js';
import type { NbSession } from '@ovnts/nb';

export async function runServer(g: GlobalOptions, db: string, io: Io, fail: (msg: string) => never): Promise<number> {
  const d = await import('@ovnts/daemon');
  const cfg = d.newDaemonConfig('ovn-nbctl');
  for (const o of g.given) d.applyDaemonOption(cfg, o, io.env);
  const version = `${io.programName} (ovnts ${OVNTS_VERSION}) ${OVN_VERSION}\nDB Schema ${NB_SCHEMA_VERSION}\n`;
  const daemon = await d.launchDaemon(
    {
      cfg,
      ovntsName: io.programName,
      modules: ['nbctl', 'db_ctl_base', 'ovsdb_idl', 'socket_util'],
      defaultModule: 'nbctl',
      components: { 'ovsdb-client': ['reconnect', 'jsonrpc'] },
      version,
    },
    fail,
  );
  const nb = await loadNb();
  // The daemon keeps one session; a lost one is opened again by the next request.
  let session: NbSession | undefined;
  const open = async (): Promise<NbSession> => {
    if (session?.isClosed) session = undefined;
    session ??= await nb.NbSession.open(db, { leaderOnly: g.leaderOnly, ...sslOption(g) });
    return session;
  };
  try {
    await open();
  } catch (e) {
    if (e instanceof nb.ConnectionError) fail(`${db}: database connection failed (${e.reason ?? e.message})`);
    throw e;
  }

  daemon.ctl.register('run', '', 0, Number.MAX_SAFE_INTEGER, async (args) => {
    let out = '';
    let error: string | undefined;
    const runIo: Io = {
      stdout: (s) => (out += s),
      stderr: (s) => daemon.vlog.log('nbctl', 'warn', s.trimEnd()),
      env: {},
      programName: io.programName,
    };
    const runFail = (msg: string): never => {
      error = msg;
      throw new Exit(1);
    };
    try {
      const parsed = parseArgs(args);
      const s = await open();
      await execute(parsed.commands, parsed.global, db, runIo, runFail, daemon.vlog, s);
    } catch (e) {
      if (e instanceof nb.ConnectionError) error = `${db}: database connection failed (${e.reason ?? e.message})`;
      else if (e instanceof UsageError) error = e.message;
      else if (e instanceof TimeoutExpired) error = 'timeout';
      else if (!(e instanceof Exit)) error = e instanceof Error ? e.message : String(e);
    }
    if (error !== undefined) throw new d.UnixctlError(error);
    return out;
  });
  const ssl = sslOption(g).ssl;
  const unwatch = ssl ? d.watchSslFiles(ssl, daemon.vlog) : () => undefined;
  daemon.onExit(() => {
    unwatch();
    session?.close();
  });
  daemon.ready(`${daemon.ctl.path}\n`);
  // Serve until `exit` (or a signal) ends the process.
  return new Promise<number>(() => {});
}
