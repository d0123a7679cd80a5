// ovn-nbctl's logging: vlog lines on the console (stderr) from WARN up by default, `-v[SPEC]` and
// `--log-file` with OVS's meaning. pino (for the debug and info records) is loaded only when a
// destination wants them, so a default run loads nothing more.
import { Vlog } from '@ovnts/daemon/vlog';
import type { Logger } from 'pino';

export function nbctlVlog(specs: readonly string[], logFile: string | undefined, stderr: (s: string) => void): Vlog {
  const vlog = new Vlog({ program: 'ovn-nbctl', modules: ['nbctl', 'db_ctl_base'], consoleFd: stderr });
  // Like ovn-nbctl: a one-shot tool keeps its console quiet below WARN unless asked.
  vlog.setLevels(null, 'console', 'warn');
  for (const spec of specs) {
    if (spec === '') vlog.setLevels(null, null, 'dbg');
    else
      try {
        vlog.apply(spec);
      } catch (e) {
        throw new Error(`processing "${spec}": ${(e as Error).message}`);
      }
  }
  if (logFile) vlog.setLogFile(logFile);
  return vlog;
}

/** A pino logger writing through `vlog`, or undefined when nothing below WARN would be written. */
export async function nbctlLogger(vlog: Vlog): Promise<Logger | undefined> {
  const max = vlog.maxLevel();
  if (max !== 'info' && max !== 'dbg') return undefined;
  const { vlogLogger } = await import('@ovnts/daemon/pino-stream');
  return vlogLogger(vlog, { defaultModule: 'nbctl', components: { 'ovsdb-client': ['reconnect', 'jsonrpc'] } });
}
