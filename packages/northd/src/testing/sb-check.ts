// Does an SB hold exactly what northd would write for the NB? The writes a full diff of compile(NB)
// against the SB would make: none when they agree. Used by tests that interrupt northd (cold stream,
// takeover after a kill) to check what the survivor left.
import { compile } from '../compile.js';
import { diffSb, type SbWriter } from '../sb-diff.js';
import { readNb, readSb, type Runner } from './lab.js';

export async function sbLeftToWrite(run: Runner, nbRemote: string, sbRemote: string): Promise<string[]> {
  const nb = await readNb(run, nbRemote);
  const state = await readSb(run, sbRemote);
  const writes: string[] = [];
  const w: SbWriter = {
    insert: (table, row) => {
      writes.push(`insert ${table} ${JSON.stringify(row).slice(0, 200)}`);
      return { namedUuid: `n${writes.length}`, table };
    },
    update: (table, uuid, row) => void writes.push(`update ${table} ${uuid} ${JSON.stringify(row).slice(0, 200)}`),
    delete: (table, uuid) => void writes.push(`delete ${table} ${uuid}`),
  };
  const nbCfg = [...nb.NB_Global.values()][0]!.nb_cfg;
  diffSb(compile(nb, { sb: state }), state, w, nbCfg);
  return writes;
}
