// What every chassis can do, as ovn-controllers advertise it in Chassis.other_config: the flows northd
// writes use a capability only when all chassis of this availability zone have it. With no chassis at
// all, every capability is assumed (as ovn-northd 23.03 does).
import type { Chassis } from '@ovnts/schema/sb';
import { smapBool } from './router-options.js';

export interface ChassisFeatures {
  /** ct-no-masked-label: conntrack flags live in ct_mark (ct_lb_mark), not in ct_label (ct_lb). */
  readonly ctNoMaskedLabel: boolean;
  /** mac-binding-timestamp: MAC_Binding rows carry a timestamp (aging). */
  readonly macBindingTimestamp: boolean;
  /** ovn-ct-lb-related: ct_lb takes skip_snat/force_snat and related traffic is NATed by ct_commit_nat. */
  readonly ctLbRelated: boolean;
}

export const ALL_FEATURES: ChassisFeatures = { ctNoMaskedLabel: true, macBindingTimestamp: true, ctLbRelated: true };

export function chassisFeatures(chassis: Iterable<Pick<Chassis, 'other_config'>>): ChassisFeatures {
  let f = ALL_FEATURES;
  for (const ch of chassis) {
    const o = ch.other_config ?? {}; // rows made by hand in tests may leave it out
    if (smapBool(o, 'is-remote', false)) continue; // remote chassis install no flows of ours
    f = {
      ctNoMaskedLabel: f.ctNoMaskedLabel && smapBool(o, 'ct-no-masked-label', false),
      macBindingTimestamp: f.macBindingTimestamp && smapBool(o, 'mac-binding-timestamp', false),
      ctLbRelated: f.ctLbRelated && smapBool(o, 'ovn-ct-lb-related', false),
    };
  }
  return f;
}

export const sameFeatures = (a: ChassisFeatures, b: ChassisFeatures) =>
  a.ctNoMaskedLabel === b.ctNoMaskedLabel &&
  a.macBindingTimestamp === b.macBindingTimestamp &&
  a.ctLbRelated === b.ctLbRelated;

/** The conntrack vocabulary of the flows, as the chassis' features allow. */
export interface CtDialect {
  /** The load-balancing action. */
  readonly lb: 'ct_lb_mark' | 'ct_lb';
  /** Where the per-connection flags (blocked, natted, skip_snat, force_snat) live. */
  readonly flags: 'ct_mark' | 'ct_label';
  /** ct_lb takes skip_snat/force_snat, and related traffic is committed with NAT. */
  readonly lbRelated: boolean;
}

export function ctDialect(f: ChassisFeatures): CtDialect {
  return f.ctNoMaskedLabel
    ? { lb: 'ct_lb_mark', flags: 'ct_mark', lbRelated: f.ctLbRelated }
    : { lb: 'ct_lb', flags: 'ct_label', lbRelated: f.ctLbRelated };
}

/** The dialect of a zone whose chassis all have every feature. */
export const CT_MARK: CtDialect = ctDialect(ALL_FEATURES);
