// The engine's input nodes: one per NB and SB table the compiler reads, holding that table's rows as the
// replica shows them this round and the typed changes it tracked since the last round.
import { vxlanMode } from '../../bindings.js';
import { Diagnostics } from '../../diagnostics.js';
import {
  NB_INPUT_TABLES,
  SB_INPUT_TABLES,
  type NbChange,
  type NbInput,
  type NbInputTable,
  type SbChange,
  type SbKeyInput,
} from '../../input.js';
import type { InputData } from '../inc-engine.js';

/** The tunnel key an existing SB Port_Binding has, and the NB datapath it is on. */
export type SbPortLookup = (
  logicalPort: string,
) => { readonly datapath: string; readonly tunnelKey: number } | undefined;

/** Where a full recompute stands, for a writer that streams a cold SB meanwhile. */
export type RecomputeStep = { readonly kind: 'datapaths' } | { readonly kind: 'computed'; readonly dp: string };

/** What every node shares: where diagnostics go and who listens to a full recompute's steps. */
export interface EngineContext {
  diag: Diagnostics;
  onStep: ((s: RecomputeStep) => void) | undefined;
}

export type ChangeOf<K extends NbInputTable> = Extract<NbChange, { readonly table: K }>;
const NONE: readonly never[] = [];

/** One NB table: its rows (through the shared view) and this round's changes. */
export class NbTableInput<K extends NbInputTable> implements InputData {
  changes: readonly ChangeOf<K>[] = [];
  constructor(
    readonly table: K,
    private readonly nb: NbInputs,
  ) {}
  get rows(): NbInput[K] {
    return this.nb.view[this.table];
  }
  updated(): boolean {
    return this.changes.length > 0;
  }
}

type NbTableInputs = { readonly [K in NbInputTable]: NbTableInput<K> };

/** Whether the NB_Global row changed at all this round (nb_cfg included, which the compiler never reads). */
export class NbGlobalRowInput implements InputData {
  changed = false;
  updated(): boolean {
    return this.changed;
  }
}

/** The NB input nodes and the view of all NB tables the builders take. */
export class NbInputs {
  view!: NbInput;
  readonly tables: NbTableInputs;
  readonly globalRow = new NbGlobalRowInput();

  constructor() {
    const t: Partial<Record<NbInputTable, NbTableInput<NbInputTable>>> = {};
    for (const name of NB_INPUT_TABLES) t[name] = new NbTableInput(name, this);
    this.tables = t as NbTableInputs;
  }

  /** This round's view and changes (each change goes to its table's node). */
  set(view: NbInput, changes: readonly NbChange[], globalRowChanged = false): void {
    this.view = view;
    this.globalRow.changed = globalRowChanged || changes.some((c) => c.table === 'NB_Global');
    const by = new Map<string, NbChange[]>();
    for (const c of changes) {
      const l = by.get(c.table);
      if (l) l.push(c);
      else by.set(c.table, [c]);
    }
    for (const name of NB_INPUT_TABLES) this.setChanges(name, by.get(name));
  }

  private setChanges<K extends NbInputTable>(name: K, changes: readonly NbChange[] | undefined): void {
    this.tables[name].changes = changes ? changes.filter((c): c is ChangeOf<K> => c.table === name) : NONE;
  }
}

/** One SB table the keys come from; `changed` is set per round by the caller. */
export class SbTableInput implements InputData {
  changed = false;
  updated(): boolean {
    return this.changed;
  }
}

export type ServiceMonitorChange = Extract<SbChange, { readonly table: 'Service_Monitor' }>;
export type PortBindingChange = Extract<SbChange, { readonly table: 'Port_Binding' }>;

/** The SB input nodes: the keys the SB holds and a lookup of existing port keys. */
export class SbInputs {
  view: SbKeyInput | undefined;
  port: SbPortLookup = () => undefined;
  /** This round's Service_Monitor changes (ovn-controller's status verdicts). */
  serviceMonitors: readonly ServiceMonitorChange[] = [];
  /** This round's Port_Binding changes (only ovn-controller's claims of virtual ports are handled). */
  portBindings: readonly PortBindingChange[] = [];
  readonly tables = Object.fromEntries(SB_INPUT_TABLES.map((t) => [t, new SbTableInput()])) as Record<
    (typeof SB_INPUT_TABLES)[number],
    SbTableInput
  >;

  /**
   * This round's SB. `changes` undefined: the caller does not track SB changes, so chassis and
   * encapsulations count as changed (their handler compares what matters).
   */
  set(view: SbKeyInput | undefined, port: SbPortLookup, changes: readonly SbChange[] | undefined): void {
    this.view = view;
    this.port = port;
    this.virtualParents = undefined;
    for (const [name, t] of Object.entries(this.tables))
      t.changed = changes ? changes.some((c) => c.table === name) : name === 'Chassis' || name === 'Encap';
    this.serviceMonitors = changes?.filter((c): c is ServiceMonitorChange => c.table === 'Service_Monitor') ?? [];
    this.portBindings = changes?.filter((c): c is PortBindingChange => c.table === 'Port_Binding') ?? [];
  }

  vxlan(): boolean {
    return vxlanMode(this.view);
  }

  /** Virtual ports bound by ovn-controller (virtual_parent and chassis set) → their parent; built on first use. */
  private virtualParents: Map<string, string> | undefined;

  /** The parent a virtual port is bound to in the SB (null: not bound). */
  virtualParent(vport: string): string | null {
    if (!this.virtualParents) {
      this.virtualParents = new Map();
      for (const pb of this.view?.Port_Binding.values() ?? [])
        if (pb.type === 'virtual' && pb.virtual_parent && pb.chassis !== null)
          this.virtualParents.set(pb.logical_port, pb.virtual_parent);
    }
    return this.virtualParents.get(vport) ?? null;
  }
}
