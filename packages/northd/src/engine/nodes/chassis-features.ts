// Node `chassis_features`: what every chassis of the zone can do (Chassis.other_config), and so the
// conntrack dialect of the flows. It changes only when that answer changes; the nodes whose flows use
// the dialect then recompute.
import { ALL_FEATURES, CT_MARK, chassisFeatures, ctDialect, sameFeatures } from '../../chassis-features.js';
import type { ChassisFeatures, CtDialect } from '../../chassis-features.js';
import type { NodeData } from '../inc-engine.js';
import type { SbInputs } from './inputs.js';

export class ChassisFeaturesNode implements NodeData {
  features: ChassisFeatures = ALL_FEATURES;
  ct: CtDialect = CT_MARK;
  private changed = false;

  constructor(private readonly sb: SbInputs) {}

  clearTracked(): void {
    this.changed = false;
  }
  updated(): boolean {
    return this.changed;
  }
  recompute(): void {
    this.onChassis();
  }
  onChassis(): boolean {
    const f = chassisFeatures(this.sb.view?.Chassis.values() ?? []);
    if (!sameFeatures(f, this.features)) {
      this.features = f;
      this.ct = ctDialect(f);
      this.changed = true;
    }
    return true;
  }
}
