// The recompute-equivalence guard for the incremental engine: an engine and an in-memory SB are kept
// up to date round by round exactly as the daemon does it (full diff on full rounds, the touched-only
// writer otherwise); after each round the engine's whole output must equal compile() from scratch,
// and a full diff of that output against the in-memory SB must find nothing left to write.
import type { Uuid } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import { compile, type CompiledSb } from '../compile.js';
import { NorthdEngine, type EngineChange, type RoundResult } from '../engine/northd-engine.js';
import { FlowIndex, type SbLookup } from '../engine/sb-sync.js';
import { writeRound } from '../sb-writer.js';
import type { NbInput, SbChange, SbKeyInput } from '../input.js';
import { diffSb } from '../sb-diff.js';
import { MemSb } from './mem-sb.js';
import { groupSetKey } from '../lb-groups.js';
import { currentKey, KEYED_TABLES, type KeyedTable } from '../sync/keyed-rows.js';

type Row = Record<string, unknown>;

export class EngineCheck {
  readonly engine = new NorthdEngine();
  readonly sb = new MemSb();
  private readonly fx = new FlowIndex();
  rounds = 0;
  fullRounds = 0;
  /** The SB operations of the last round (`insert T`, `update T cols`, `mutate T col`, `delete T`). */
  lastOps: readonly string[] = [];

  private keyInput(): SbKeyInput {
    const st = this.sb.state();
    return { ...st, Chassis: new Map(), Encap: new Map() } as unknown as SbKeyInput;
  }

  private nbIdOf(sbDp: string): string | undefined {
    const d = this.sb.tables.get('Datapath_Binding')!.get(sbDp) as SbTables['Datapath_Binding'] | undefined;
    return d ? (d.external_ids['logical-switch'] ?? d.external_ids['logical-router']) : undefined;
  }

  private lookup(): SbLookup {
    const t = (name: string) => [...this.sb.tables.get(name)!.values()] as Row[];
    const dpByNb = new Map<string, Uuid<'Datapath_Binding'>>();
    for (const d of t('Datapath_Binding') as unknown as SbTables['Datapath_Binding'][]) {
      const id = d.external_ids['logical-switch'] ?? d.external_ids['logical-router'];
      if (id) dpByNb.set(id, d._uuid);
    }
    const by = <R>(name: string, key: (r: R) => string | undefined) => {
      const m = new Map<string, R>();
      for (const r of t(name) as unknown as R[]) {
        const k = key(r);
        if (k !== undefined && !m.has(k)) m.set(k, r);
      }
      return m;
    };
    const pbs = by<SbTables['Port_Binding']>('Port_Binding', (r) => r.logical_port);
    const pgs = by<SbTables['Port_Group']>('Port_Group', (r) => r.name);
    const ass = by<SbTables['Address_Set']>('Address_Set', (r) => r.name);
    const lbs = by<SbTables['Load_Balancer']>('Load_Balancer', (r) => r.external_ids['lb_id']);
    const mcs = t('Multicast_Group') as unknown as SbTables['Multicast_Group'][];
    const has = by<SbTables['HA_Chassis_Group']>('HA_Chassis_Group', (r) => r.name);
    const meters = by<SbTables['Meter']>('Meter', (r) => r.name);
    const keyed = new Map<string, Row>();
    for (const table of KEYED_TABLES)
      for (const r of t(table)) {
        const k = currentKey(table, r as unknown as SbTables[typeof table], (u) => this.nbIdOf(u));
        if (k !== undefined && !keyed.has(`${table}/${k}`)) keyed.set(`${table}/${k}`, r);
      }
    return {
      datapath: (id) => dpByNb.get(id),
      portBinding: (n) => pbs.get(n),
      multicastGroups: (dp) => mcs.filter((m) => m.datapath === dp),
      portGroup: (n) => pgs.get(n),
      addressSet: (n) => ass.get(n),
      loadBalancer: (id) => lbs.get(id),
      loadBalancers: () => lbs.values(),
      groupSet: (g) =>
        groupSetKey(
          (this.sb.tables.get('Logical_DP_Group')!.get(g) as SbTables['Logical_DP_Group'] | undefined)?.datapaths,
          (u) => this.nbIdOf(u),
        ),
      sbGlobal: () => t('SB_Global')[0] as unknown as SbTables['SB_Global'] | undefined,
      haChassisGroup: (n) => has.get(n),
      haChassis: (u) => this.sb.tables.get('HA_Chassis')!.get(u) as SbTables['HA_Chassis'] | undefined,
      chassis: () => [],
      meter: (n) => meters.get(n),
      meterBand: (u) => this.sb.tables.get('Meter_Band')!.get(u) as SbTables['Meter_Band'] | undefined,
      bfdRows: () => t('BFD') as unknown as SbTables['BFD'][],
      keyedRow: <T extends KeyedTable>(table: T, key: string) =>
        keyed.get(`${table}/${key}`) as SbTables[T] | undefined,
    };
  }

  /**
   * One round; throws with a description when incremental and full outputs differ. `sbChanges`: what
   * others wrote into the SB since (ovn-controller's Service_Monitor verdicts), already applied to `sb`.
   * `verify` false skips the comparison (replaying up to a late edit quickly; the state is the same).
   */
  round(
    nb: NbInput,
    changes: readonly EngineChange[] | 'full',
    sbChanges?: readonly SbChange[],
    verify = true,
  ): RoundResult {
    this.rounds++;
    const lookup = this.lookup();
    const w = this.sb.begin();
    const out = writeRound(
      this.engine,
      this.fx,
      {
        nb,
        changes: changes === 'full' ? [] : changes,
        ...(sbChanges ? { sbChanges } : {}),
        sb: this.sb.state(),
        sbKeys: this.keyInput(),
        sbPort: (name) => {
          const pb = lookup.portBinding(name);
          const dp = pb && this.nbIdOf(pb.datapath);
          return pb && dp ? { datapath: dp, tunnelKey: pb.tunnel_key } : undefined;
        },
        lookup: () => lookup,
        full: changes === 'full',
      },
      w,
      () => w,
    );
    w.commit();
    this.lastOps = w.ops;
    this.fx.commit((ref) => w.uuidOf(ref));
    const res = out.result;
    if (res.full) this.fullRounds++;
    if (verify) this.check(nb);
    return res;
  }

  private check(nb: NbInput): void {
    const want = compile(nb, { sb: this.keyInput() });
    const got = this.engine.compiled();
    const diff = compareCompiled(want, got);
    if (diff) throw new Error(`incremental output differs from a full compile: ${diff}`);
    const probe = new MemSb();
    for (const [t, m] of this.sb.tables) for (const [u, r] of m) probe.tables.get(t)!.set(u, r);
    const w = probe.begin();
    const stats = diffSb(want, probe.state(), w);
    if (stats.inserted + stats.updated + stats.deleted)
      throw new Error(`SB after incremental writes differs from a full diff: ${w.ops.slice(0, 8).join('; ')}`);
  }
}

const canon = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
  );

/** A description of the first differences between two outputs, or '' when they are equal. */
export function compareCompiled(a: CompiledSb, b: CompiledSb): string {
  const out: string[] = [];
  const cmpSet = (what: string, xs: readonly unknown[], ys: readonly unknown[], key: (x: never) => string) => {
    const ma = new Map(xs.map((x) => [key(x as never), canon(x)]));
    const mb = new Map(ys.map((y) => [key(y as never), canon(y)]));
    for (const [k, v] of ma) {
      const w = mb.get(k);
      if (w === undefined) out.push(`${what} missing ${k}`);
      else if (w !== v) out.push(`${what} ${k}: want ${v} got ${w}`);
    }
    for (const k of mb.keys()) if (!ma.has(k)) out.push(`${what} extra ${k}`);
  };
  cmpSet('datapath', a.datapaths, b.datapaths, (d: { id: string }) => d.id);
  cmpSet('port', a.portBindings, b.portBindings, (p: { logicalPort: string }) => p.logicalPort);
  cmpSet(
    'mc',
    a.multicastGroups,
    b.multicastGroups,
    (m: { datapath: string; name: string }) => `${m.datapath}/${m.name}`,
  );
  cmpSet(
    'flow',
    a.logicalFlows.map((f) => ({ key: f.key, dps: f.dpKey })),
    b.logicalFlows.map((f) => ({ key: f.key, dps: f.dpKey })),
    (f: { key: string }) => f.key.replace(/\u0000/g, ' | '),
  );
  cmpSet('address set', a.addressSets, b.addressSets, (s: { name: string }) => s.name);
  cmpSet('port group', a.portGroups, b.portGroups, (s: { name: string }) => s.name);
  cmpSet(
    'load balancer',
    a.loadBalancers,
    b.loadBalancers,
    (s: { externalIds: Record<string, string> }) => s.externalIds['lb_id']!,
  );
  cmpSet('HA chassis group', a.haChassisGroups, b.haChassisGroups, (g: { name: string }) => g.name);
  if (canon(a.sbGlobalOptions) !== canon(b.sbGlobalOptions)) out.push('SB_Global options differ');
  for (const t of KEYED_TABLES) cmpSet(t, [...a.keyedRows[t]], [...b.keyedRows[t]], ([k]: [string]) => k);
  cmpSet('bfd session', [...a.bfd.sessions], [...b.bfd.sessions], (s: { _uuid: string }) => s._uuid);
  if (canon([...a.bfd.referenced].sort()) !== canon([...b.bfd.referenced].sort())) out.push('BFD references differ');
  cmpSet('mirror name', [...a.mirrorNames], [...b.mirrorNames], ([k]: [string]) => k);
  return out.slice(0, 10).join('\n');
}
