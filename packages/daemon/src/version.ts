// `--version` and the `version` control command: OVN's layout (the program and the OVN release it
// implements on the first line, then the protocol facts), then the ovnts release.

/** The OVN release whose behaviour and interfaces ovnts reproduces. */
export const OVN_VERSION = '23.03.1';
/**
 * OVN's internal version (release - SB schema version - logical actions count . minor): what ovn-northd
 * publishes in SB_Global options:northd_internal_version and ovn-controller compares with its own when
 * `ovn-match-northd-version` is set. We speak the 23.03.1 logical flow dialect, so we carry the same one.
 */
export const OVN_INTERNAL_VERSION = '23.03.1-20.27.0-70.6';
/** This ovnts release. */
export const OVNTS_VERSION = '0.1.0';

/**
 * Version text: `ovn-northd 23.03.1` then `extra` lines (e.g. `SB DB Schema 20.27.0`), then
 * `ovnts 0.1.0 (ovnts-northd)`. Newline-terminated.
 */
export function versionText(program: string, ovntsName: string, extra: readonly string[] = []): string {
  return [`${program} ${OVN_VERSION}`, ...extra, `ovnts ${OVNTS_VERSION} (${ovntsName})`].join('\n') + '\n';
}
