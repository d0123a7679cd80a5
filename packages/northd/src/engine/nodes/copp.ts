// The Copp meters of the routers' and switches' datapaths (copp.ts), as the routers and switches nodes
// apply them to their flow sets. A Copp row or a meter name coming or going changes which flows carry
// a controller_meter without changing any unit: the nodes re-apply the meters of every datapath
// (FlowSet.setCopp touches only datapaths whose assignment differs).
import type { Copp, LogicalRouter, LogicalSwitch } from '@ovnts/schema/nb';
import { datapathCopp, meterNames, type CoppMeters } from '../../copp.js';
import type { NbInputs } from './inputs.js';

export class DatapathCopps {
  private names: ReadonlySet<string> | undefined;
  /** A Copp row or the meter names changed since the last refresh. */
  dirty = false;

  constructor(private readonly nb: NbInputs) {}

  /** Start over (a full recompute). */
  reset(): void {
    this.names = undefined;
    this.dirty = false;
  }

  /** A Copp row changed. */
  onCopp(): void {
    this.dirty = true;
  }

  /** The Meter table changed: only the set of names matters here. */
  onMeters(): void {
    const before = this.names;
    this.names = undefined;
    const now = this.meterNames();
    if (!before || before.size !== now.size || [...now].some((n) => !before.has(n))) this.dirty = true;
  }

  /** A router's meters (its current NB row: a `copp` change need not rebuild the topology's router). */
  ofRouter(lr: Pick<LogicalRouter, '_uuid'>): CoppMeters | undefined {
    return this.of(this.nb.view.Logical_Router.get(lr._uuid)?.copp ?? null);
  }
  ofSwitch(ls: Pick<LogicalSwitch, '_uuid'>): CoppMeters | undefined {
    return this.of(this.nb.view.Logical_Switch.get(ls._uuid)?.copp ?? null);
  }

  private of(copp: Copp['_uuid'] | null): CoppMeters | undefined {
    return datapathCopp(copp, this.nb.view.Copp, this.meterNames());
  }

  private meterNames(): ReadonlySet<string> {
    return (this.names ??= meterNames(this.nb.view.Meter.values()));
  }
}
