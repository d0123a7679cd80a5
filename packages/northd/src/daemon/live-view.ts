// What a round reads from the replicas without walking them: the live tables as one view object (built again
// only when a table map is replaced), and whether a replica change concerns bootstrap()'s inputs.
export type TableView = Readonly<Record<string, ReadonlyMap<unknown, unknown>>>;
/** Per replica and table list, the view liveView last built. */
const liveViews = new WeakMap<object, WeakMap<readonly string[], TableView>>();

/**
 * Table name → the replica's current rows (valid until the next await). The view is built again only when one
 * of the replica's table maps is another object (a sliced batch publishes copies); a round asks for it 3-4 times.
 */
export function liveView(r: { table(t: never): ReadonlyMap<unknown, unknown> }, tables: readonly string[]): TableView {
  let views = liveViews.get(r);
  if (!views) liveViews.set(r, (views = new WeakMap()));
  const v = views.get(tables);
  if (v && tables.every((t) => v[t] === r.table(t as never))) return v;
  const fresh: TableView = Object.fromEntries(tables.map((t) => [t, r.table(t as never)]));
  views.set(tables, fresh);
  return fresh;
}

/** SB tables bootstrap() reads (SB_Global.options, the encapsulations, chassis features, RBAC). */
export const BOOTSTRAP_SB_TABLES: ReadonlySet<string> = new Set([
  'SB_Global',
  'Encap',
  'Chassis',
  'RBAC_Role',
  'RBAC_Permission',
]);

/**
 * Whether a batch of replica changes may change what bootstrap() writes: a resync, or a change of those
 * tables, but not one of a global row that leaves its options as they were (nb_cfg, sb_cfg: every round).
 */
export function bootstrapInputChanged(
  batch: {
    readonly resync: boolean;
    readonly changes: readonly { table: string; kind: string; old?: unknown; new?: unknown }[];
  },
  tables: ReadonlySet<string>,
): boolean {
  if (batch.resync) return true;
  for (const c of batch.changes) {
    if (!tables.has(c.table)) continue;
    const global = c.table === 'NB_Global' || c.table === 'SB_Global';
    if (!global || c.kind !== 'modify') return true;
    if ((c.old as { options: unknown }).options !== (c.new as { options: unknown }).options) return true;
  }
  return false;
}
/** NB tables bootstrap() reads. */
export const BOOTSTRAP_NB_TABLES: ReadonlySet<string> = new Set(['NB_Global']);
