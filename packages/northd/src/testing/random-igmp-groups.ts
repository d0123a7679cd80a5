// Random IGMP_Group edits for the recompute-equivalence test: what ovn-controllers write into the SB
// while the NB changes (a group learned on a switch, a member more, a group expired), applied to the
// in-memory SB and returned as the SB changes the round sees.
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { schema as sbSchema } from '@ovnts/schema/sb';
import type { SbChange } from '../input.js';
import type { MemSb } from './mem-sb.js';
import type { Rng } from './random-nb-changes.js';
import { makeRow } from './rows.js';

const ADDRESSES = ['239.0.1.68', '239.0.1.69', '224.0.0.251', 'ff0a:dead:beef::1', 'ff02::1:3', 'mrouters'];
const CHASSIS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

type Row = Record<string, unknown>;
let seq = 0;

/** One random IGMP_Group insert, update or delete on `sb` (undefined when there is nothing to act on). */
export function randomIgmpEdit(sb: MemSb, rng: Rng): { description: string; changes: SbChange[] } | undefined {
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rng() * xs.length)];
  const table = sb.tables.get('IGMP_Group')!;
  const groups = [...table.values()] as unknown as SbTables['IGMP_Group'][];
  const pbs = [...sb.tables.get('Port_Binding')!.values()] as unknown as SbTables['Port_Binding'][];
  const x = rng();
  if (x < 0.3 && groups.length) {
    const g = pick(groups)!;
    table.delete(g._uuid);
    return {
      description: `igmp-group: ${g.address} expired`,
      changes: [{ kind: 'delete', table: 'IGMP_Group', uuid: g._uuid, old: g, new: undefined }],
    };
  }
  // A VIF (or, now and then, any port) of some datapath, and maybe one more of the same datapath.
  const vifs = pbs.filter((p) => p.type === '' || rng() < 0.1);
  const first = pick(vifs);
  if (!first) return undefined;
  const ports = [first._uuid];
  const second = pick(vifs.filter((p) => p.datapath === first.datapath && p._uuid !== first._uuid));
  if (second && rng() < 0.5) ports.push(second._uuid);
  if (x < 0.5 && groups.length) {
    const g = pick(groups)!;
    const now = { ...g, ports: [...new Set([...g.ports, ...ports.filter(() => g.datapath === first.datapath)])] };
    table.set(g._uuid, now as unknown as Row);
    return {
      description: `igmp-group: ${g.address} ports`,
      changes: [{ kind: 'modify', table: 'IGMP_Group', uuid: g._uuid, old: g, new: now }],
    };
  }
  const address = pick(ADDRESSES)!;
  const uuid = `00000000-0000-4000-9000-${String(++seq).padStart(12, '0')}`;
  const row = makeRow<SbTables['IGMP_Group']>(
    sbSchema,
    'IGMP_Group',
    // Now and then a row that names no datapath (its switch gone): skipped.
    { address, datapath: rng() < 0.05 ? null : first.datapath, chassis: pick(CHASSIS)!, ports } as never,
    uuid,
  );
  table.set(uuid, row as unknown as Row);
  return {
    description: `igmp-group: ${address} learned`,
    changes: [{ kind: 'insert', table: 'IGMP_Group', uuid: row._uuid, old: undefined, new: row }],
  };
}
