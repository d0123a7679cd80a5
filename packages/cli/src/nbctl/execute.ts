// Running parsed ovnts-nbctl commands: read the NB, run every command against one working copy,
// commit all of it as a single transaction (or nothing, on any error), print outputs, then honour
// --wait. Shared by the one-shot program (main.ts) and the daemon's `run` (daemon-server.ts). Only
// modules the given commands need are loaded.
import { type GlobalOptions, type ParsedCommand } from './args.js';
import type { Group } from './syntax.js';
import { CommandError, Symbols, type CommandImpl, type Ctx } from './context.js';
import type { NbSession, NbStore } from '@ovnts/nb';
import { levelFromName, type Vlog } from '@ovnts/daemon/vlog';
import { nbctlLogger } from './logging.js';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** Used in messages, like argv[0] for the C tool. */
  readonly programName: string;
}

/** Thrown to end the run with a status after printing; never escapes runNbctl. */
/** --timeout ran out. ovn-nbctl dies of SIGALRM then: a log line and status 128+14. */
export class TimeoutExpired extends Error {}

export class Exit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

export const OVN_VERSION = '23.03.1';
export const NB_SCHEMA_VERSION = '7.0.0';
export const OVNTS_VERSION = '0.1.0';

type Impls = Record<string, CommandImpl>;
type Pre = Record<string, (ctx: Ctx) => void>;

export async function loadGroup(g: Group): Promise<{ commands: Impls; prerequisites?: Pre }> {
  switch (g) {
    case 'switch':
      return import('./cmd-switch.js');
    case 'router':
      return import('./cmd-router.js');
    case 'acl':
      return import('./cmd-acl.js');
    case 'lb':
      return import('./cmd-lb.js');
    case 'misc':
      return import('./cmd-misc.js');
    case 'general':
      return import('./cmd-general.js');
    case 'db':
      return import('../dbctl/commands.js');
  }
}

/** The session's ssl option when -p, -c and -C were all given. */
export function sslOption(g: GlobalOptions): { ssl?: { privateKey: string; certificate: string; caCert: string } } {
  const { privateKey, certificate, caCert } = g.ssl;
  return privateKey && certificate && caCert ? { ssl: { privateKey, certificate, caCert } } : {};
}

/**
 * Run the commands: one NB transaction, outputs, then --wait. With `shared`, on that session (the
 * daemon's); otherwise on one opened for this run.
 */
export async function execute(
  commands: readonly ParsedCommand[],
  g: GlobalOptions,
  db: string,
  io: Io,
  fail: (msg: string) => never,
  vlog: Vlog,
  shared?: NbSession,
): Promise<number> {
  const groups = [...new Set(commands.map((c) => c.syntax.group))];
  const [nb, loaded, tableMod] = await Promise.all([
    loadNb(),
    Promise.all(groups.map(async (grp) => [grp, await loadGroup(grp)] as const)),
    commands.some((c) => c.syntax.group === 'db') ? import('../dbctl/table.js') : undefined,
  ]);
  const impls = new Map(loaded);
  if (commands.some((c) => c.syntax.group === 'db')) {
    const dbc = await import('../dbctl/commands.js');
    dbc.setWarn((m) => vlog.log('db_ctl_base', 'warn', m));
  }

  // pino is loaded only when -v asks for records below WARN.
  const log = await nbctlLogger(vlog);
  log?.info({ argv: commands.map((c) => c.argv) }, 'called');

  const deadline = g.timeoutSec ? Date.now() + g.timeoutSec * 1000 : undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (deadline) timer = setTimeout(() => reject(new TimeoutExpired()), deadline - Date.now());
  });
  const withTimeout = <T>(p: Promise<T>): Promise<T> => (deadline ? Promise.race([p, timeout]) : p);

  let session: NbSession;
  try {
    session = shared ?? (await withTimeout(nb.NbSession.open(db, { leaderOnly: g.leaderOnly, ...sslOption(g) })));
    log?.debug({ remote: session.remote }, 'connected');
  } catch (e) {
    if (e instanceof nb.ConnectionError) fail(`${db}: database connection failed (${e.reason ?? e.message})`);
    throw e;
  }
  /**
   * The connection broke mid-request: reconnect (to the leader again) and run the commands afresh. Not for
   * the daemon's shared session, which the daemon owns.
   */
  const reconnect = async (e: unknown): Promise<boolean> => {
    if (shared || !(e instanceof nb.NbTransactionError && e.connectionLost)) return false;
    log?.info({ error: e.message }, 'connection lost; reconnecting to run the commands again');
    session.close();
    try {
      session = await withTimeout(nb.NbSession.open(db, { leaderOnly: g.leaderOnly, ...sslOption(g) }));
    } catch (e2) {
      if (e2 instanceof nb.ConnectionError) fail(`${db}: database connection failed (${e2.reason ?? e2.message})`);
      throw e2;
    }
    return true;
  };
  try {
    for (;;) {
      let store: NbStore;
      try {
        store = await withTimeout(session.load({ deferredMutations: true }));
      } catch (e) {
        if (await reconnect(e)) continue;
        throw e;
      }
      const ctxs = runCommands(commands, store, impls, nb, fail, vlog);
      if (ctxs === 'try-again') {
        // wait-until: poll until the condition holds (bounded by --timeout, like the C tool).
        await withTimeout(new Promise((r) => setTimeout(r, 100)));
        continue;
      }
      const wait = g.wait !== 'none' && !g.dryRun;
      let nbCfg: number | undefined;
      {
        const force = commands.some((c) => c.syntax.name === 'sync');
        if (wait && force && !store.changed) touchNbGlobal(store);
        try {
          log?.debug({ ops: store.toOps() }, 'transaction');
          const res = await withTimeout(
            session.commit(store, {
              comment: `${io.programName}: ${argvText(commands, g)}`,
              bumpNbCfg: wait,
              dryRun: g.dryRun,
            }),
          );
          if (res.changed) nbCfg = res.nbCfg;
          log?.info({ changed: res.changed, nbCfg: res.nbCfg }, 'committed');
        } catch (e) {
          // As ovn-nbctl's IDL does: a transaction cut by a lost connection is tried again from the start.
          if (await reconnect(e)) continue;
          if (e instanceof nb.NbTransactionError) {
            // ovn-nbctl's IDL also logs the failure at WARN level on the console.
            vlog.log('ovsdb_idl', 'warn', `transaction error: ${e.message}`);
            fail(`transaction error: ${e.message}`);
          }
          throw e;
        }
      }
      printOutputs(ctxs, g, io, tableMod);
      if (wait && nbCfg !== undefined) {
        const start = Date.now();
        const row = await withTimeout(session.waitForCfg(g.wait as 'sb' | 'hv', nbCfg));
        if (g.printWaitTime) {
          const ts = (k: keyof typeof row) => row[k] - start;
          let s = `Time spent on processing nb_cfg ${nbCfg}:\n`;
          s += `\tovn-northd delay before processing:\t${ts('nb_cfg_timestamp')}ms\n`;
          s += `\tovn-northd completion:\t\t\t${ts('sb_cfg_timestamp')}ms\n`;
          if (g.wait === 'hv') s += `\tovn-controller(s) completion:\t\t${ts('hv_cfg_timestamp')}ms\n`;
          io.stdout(s);
        }
      }
      return 0;
    }
  } finally {
    if (timer) clearTimeout(timer);
    if (!shared) session.close();
  }
}

/** The model library's session and errors, loaded once the command line has been checked (start-up time). */
export async function loadNb() {
  const [{ NbSession, NbError, NbTransactionError }, { ConnectionError }] = await Promise.all([
    import('@ovnts/nb'),
    import('ovsdb-client-ts/wire'),
  ]);
  return { NbSession, NbError, NbTransactionError, ConnectionError };
}

/** "sync" with --wait must bump nb_cfg even when nothing else changes. */
function touchNbGlobal(store: NbStore): void {
  const nbg = store.rows('NB_Global')[0];
  if (nbg) store.set('NB_Global', nbg, 'nb_cfg', nbg['nb_cfg'] ?? 0);
}

function argvText(commands: readonly ParsedCommand[], _g: GlobalOptions): string {
  return commands.map((c) => c.argv.join(' ')).join(' -- ');
}

function runCommands(
  commands: readonly ParsedCommand[],
  store: NbStore,
  impls: Map<Group, { commands: Impls; prerequisites?: Pre }>,
  nb: Awaited<ReturnType<typeof loadNb>>,
  fail: (msg: string) => never,
  vlog: Vlog,
): Ctx[] | 'try-again' {
  const symbols = new Symbols();
  const ctxs: Ctx[] = commands.map((c, i) => ({
    store,
    argv: c.argv,
    options: c.options,
    symbols,
    lastCommand: i === commands.length - 1,
    output: '',
    tryAgain: false,
  }));
  const guard = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof nb.NbError) {
        // "module|LEVEL|message", as OVS logs it: through vlog, so -vsocket_util:off silences it.
        for (const l of e.logs) {
          const m = /^([^|]+)\|([A-Z]+)\|(.*)$/s.exec(l);
          if (m) vlog.log(m[1]!, levelFromName(m[2]!) ?? 'err', m[3]!);
        }
      }
      if (e instanceof CommandError || e instanceof nb.NbError || isKnownError(e)) fail((e as Error).message);
      throw e;
    }
  };
  // Prerequisites first (table/column names), as ovn-nbctl checks them before running anything.
  commands.forEach((c, i) => {
    const pre = impls.get(c.syntax.group)?.prerequisites?.[c.syntax.name];
    if (pre) guard(() => pre(ctxs[i]!));
  });
  // The C tool always has an NB_Global row to work with; create it if the database has none.
  if (store.rows('NB_Global').length === 0) store.insert('NB_Global', {});
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    const impl = impls.get(c.syntax.group)?.commands[c.syntax.name];
    if (!impl) fail(`'${c.syntax.name}' command is not implemented by ovnts-nbctl`);
    const ctx = ctxs[i]!;
    guard(() => impl!(ctx));
    if (ctx.tryAgain) return 'try-again';
  }
  for (const [name, sym] of symbols.map) {
    if (!sym.created) {
      fail(`row id "${name}" is referenced but never created (e.g. with "-- --id=${name} create ...")`);
    }
  }
  return ctxs;
}

export const logTime = () => `${new Date().toISOString().slice(0, 19)}Z`;

function isKnownError(e: unknown): boolean {
  return e instanceof Error && ['DatumError', 'NameError'].includes(e.name);
}

function printOutputs(
  ctxs: readonly Ctx[],
  g: GlobalOptions,
  io: Io,
  tableMod: typeof import('../dbctl/table.js') | undefined,
): void {
  let first = true;
  let out = '';
  for (const ctx of ctxs) {
    if (ctx.table && tableMod) {
      out += tableMod.renderTable(
        ctx.table,
        { format: g.format, data: g.data, headings: g.headings, pretty: g.pretty },
        first,
      );
      first = false;
    } else if (g.oneline) {
      const body = ctx.output.replace(/\n$/, '');
      out += body.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') + '\n';
    } else {
      out += ctx.output;
    }
  }
  if (out) io.stdout(out);
}
