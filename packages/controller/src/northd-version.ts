// ovn-match-northd-version (pure): with Open_vSwitch external_ids:ovn-match-northd-version=true, a chassis
// whose OVN internal version differs from the one northd publishes (SB_Global options:northd_internal_version)
// stops processing the databases — its installed flows and packet-in handling stay as they are — until the two
// agree again, as ovn-controller does during rolling upgrades.
import { OVN_INTERNAL_VERSION } from '@ovnts/daemon';

export type NorthdVersionCheck =
  | { readonly match: true }
  /** `northd`: the version northd published ('' when none); undefined while SB_Global is not there yet. */
  | { readonly match: false; readonly northd: string | undefined };

export function checkNorthdVersion(
  ovsExternalIds: Readonly<Record<string, string>>,
  sbGlobalOptions: Readonly<Record<string, string>> | undefined,
  mine: string = OVN_INTERNAL_VERSION,
): NorthdVersionCheck {
  if (ovsExternalIds['ovn-match-northd-version'] !== 'true') return { match: true };
  if (!sbGlobalOptions) return { match: false, northd: undefined };
  const northd = sbGlobalOptions['northd_internal_version'] ?? '';
  return northd === mine ? { match: true } : { match: false, northd };
}

/** The WARN line ovn-controller writes on a mismatch. */
export function mismatchMessage(northd: string, mine: string = OVN_INTERNAL_VERSION): string {
  return `controller version - ${mine} mismatch with northd version - ${northd}`;
}
