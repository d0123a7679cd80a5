// The options northd publishes in NB_Global and SB_Global. ovn-controller reads SB_Global.options from
// its first moment (a 23.03 controller dereferences them without checking the row exists), so the daemon
// writes both rows as soon as it is active, before computing anything.
import { randomBytes } from 'node:crypto';
import { OVN_INTERNAL_VERSION } from '@ovnts/daemon';
import { KEY_RANGES } from './keys.js';
import { ALL_FEATURES, type ChassisFeatures } from './chassis-features.js';

/** The version string ovn-controller compares when `ovn-match-northd-version` is set (see OVN_INTERNAL_VERSION). */
export const NORTHD_INTERNAL_VERSION = OVN_INTERNAL_VERSION;

type Options = Readonly<Record<string, string>>;

/** A random locally administered unicast MAC as bytes (the first `n` of them). */
function randomMacBytes(n: number): number[] {
  const b = [...randomBytes(n)];
  b[0] = (b[0]! & 0xfe) | 0x02;
  return b;
}

const hex = (bytes: readonly number[]) => bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');

/** `mac_prefix` as northd keeps it: the first three bytes of the given value, or random if absent, invalid or zero. */
function macPrefix(given: string | undefined): string {
  const m = given?.match(/^([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2})/i);
  const bytes = m ? m.slice(1, 4).map((x) => parseInt(x, 16)) : [0, 0, 0];
  return hex(bytes.some((x) => x !== 0) ? bytes : randomMacBytes(3));
}

const MAC_RE = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;

/** Whether the datapath tunnel keys are limited to VXLAN's range (some chassis uses VXLAN). */
export function maxTunid(vxlan: boolean): string {
  return String(vxlan ? KEY_RANGES.datapathVxlan.max : KEY_RANGES.datapath.max);
}

/**
 * NB_Global.options with what northd owns filled in: a valid `mac_prefix` and `svc_monitor_mac` (random
 * once, then kept), `max_tunid` and `northd_internal_version`. Returns the input object itself when
 * nothing needs changing.
 */
export function northdNbOptions(options: Options, vxlan: boolean): Options {
  const monitor = options['svc_monitor_mac'];
  const want: Record<string, string> = {
    mac_prefix: macPrefix(options['mac_prefix']),
    svc_monitor_mac: monitor && MAC_RE.test(monitor) ? monitor : hex(randomMacBytes(6)),
    max_tunid: maxTunid(vxlan),
    northd_internal_version: NORTHD_INTERNAL_VERSION,
  };
  return Object.entries(want).every(([k, v]) => options[k] === v) ? options : { ...options, ...want };
}

/**
 * SB_Global.options: the NB options plus what northd publishes to chassis; with a chassis that cannot keep
 * flags in ct_mark, load-balancer hairpin detection falls back to ct_label (lb_hairpin_use_ct_mark=false).
 */
export function sbGlobalOptions(
  nbOptions: Options,
  vxlan: boolean,
  features: ChassisFeatures = ALL_FEATURES,
): Record<string, string> {
  const o: Record<string, string> = {
    ...nbOptions,
    max_tunid: maxTunid(vxlan),
    northd_internal_version: NORTHD_INTERNAL_VERSION,
  };
  if (features.ctNoMaskedLabel) delete o['lb_hairpin_use_ct_mark'];
  else o['lb_hairpin_use_ct_mark'] = 'false';
  return o;
}
