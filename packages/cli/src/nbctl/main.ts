// ovnts-nbctl's driver: parse the command line, then run the commands directly (execute.ts), serve
// them as a daemon (--detach, daemon-server.ts) or send them to one (OVN_NB_DAEMON, daemon-mode.ts).
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import { clientRunArgs, clientSocket } from './daemon-mode.js';
import type { Vlog } from '@ovnts/daemon/vlog';
import { nbctlVlog } from './logging.js';
import {
  execute,
  Exit,
  logTime,
  NB_SCHEMA_VERSION,
  OVN_VERSION,
  OVNTS_VERSION,
  TimeoutExpired,
  type Io,
} from './execute.js';

export { loadGroup, OVN_VERSION, OVNTS_VERSION, type Io } from './execute.js';

function defaultDb(env: NodeJS.ProcessEnv): string {
  return `unix:${env['OVN_RUNDIR'] ?? '/var/run/ovn'}/ovnnb_db.sock`;
}

/** Run ovnts-nbctl with `argv` (no program name). Resolves with the exit status. */
export async function runNbctl(argv: readonly string[], io: Io): Promise<number> {
  const fail = (msg: string): never => {
    io.stderr(`${io.programName}: ${msg}\n`);
    throw new Exit(1);
  };
  try {
    let parsed;
    try {
      parsed = parseArgs(argv, io.env);
    } catch (e) {
      if (e instanceof UsageError) fail(e.message);
      throw e;
    }
    const g = parsed.global;
    if (g.help) {
      io.stdout((await import('./usage.js')).usage(io.programName, defaultDb(io.env)));
      return 0;
    }
    if (g.version) {
      io.stdout(`${io.programName} (ovnts ${OVNTS_VERSION}) ${OVN_VERSION}\nDB Schema ${NB_SCHEMA_VERSION}\n`);
      return 0;
    }
    const db = g.db ?? io.env['OVN_NB_DB'] ?? defaultDb(io.env);
    if (g.detach) {
      if (parsed.commandArgs.length) fail('non-option arguments not supported with --detach (use --help for help)');
      return await (await import('./daemon-server.js')).runServer(g, db, io, fail);
    }
    const vlog = ((): Vlog => {
      try {
        return nbctlVlog(g.verbose, g.logFile, io.stderr);
      } catch (e) {
        return fail((e as Error).message);
      }
    })();
    const socket = clientSocket(parsed, io.env);
    if (socket) {
      if (g.db === undefined) return await runClient(socket, parsed, io, vlog);
      vlog.log('nbctl', 'warn', `not using ${io.programName} daemon because of db option`);
    }
    return await execute(parsed.commands, g, db, io, fail, vlog);
  } catch (e) {
    if (e instanceof Exit) return e.status;
    if (e instanceof TimeoutExpired) {
      io.stderr(`${logTime()}|00001|fatal_signal|WARN|terminating with signal 14 (Alarm clock)\n`);
      return 142;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`${io.programName}: ${msg}\n`);
    return 1;
  }
}

/** The client of a daemon: its options and commands go there, the reply to stdout or stderr. */
async function runClient(socket: string, parsed: ParsedArgs, io: Io, vlog: Vlog): Promise<number> {
  const { unixctlCall, UnixctlConnectError } = await import('@ovnts/daemon');
  const timeoutSec = parsed.global.timeoutSec;
  let reply;
  try {
    reply = await unixctlCall(socket, 'run', clientRunArgs(parsed), {
      ...(timeoutSec ? { signal: AbortSignal.timeout(timeoutSec * 1000) } : {}),
    });
  } catch (e) {
    if (e instanceof UnixctlConnectError) {
      const msg = `${socket}: could not connect to ${io.programName} daemon (${e.reason}); unset OVN_NB_DAEMON to avoid using daemon`;
      vlog.log('nbctl', 'err', msg);
      io.stderr(`${io.programName}: ${msg}\n`);
      return 1;
    }
    if (timeoutSec && e instanceof DOMException && e.name === 'TimeoutError') throw new TimeoutExpired();
    throw e;
  }
  if (reply.error !== null) {
    io.stderr(`${io.programName}: ${reply.error}`);
    return 1;
  }
  io.stdout(reply.result ?? '');
  return 0;
}
