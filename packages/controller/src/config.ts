// Chassis configuration as ovn-controller reads it from Open_vSwitch.external_ids (pure).

export type EncapType = 'geneve' | 'vxlan';

export interface ChassisConfig {
  readonly systemId: string;
  readonly remote: string;
  readonly encapTypes: readonly EncapType[];
  readonly encapIps: readonly string[];
  readonly bridge: string;
  readonly bridgeDatapathType: string;
  /** physical network name → OVS bridge. */
  readonly bridgeMappings: ReadonlyMap<string, string>;
  /** ovn-chassis-mac-mappings as configured ("physnet:MAC,…"), published in Chassis.other_config. */
  readonly chassisMacMappings: string;
  /** SB keepalive (ovn-remote-probe-interval; default 5 s, 0 for a unix: remote; 0 disables). */
  readonly probeIntervalMs: number;
  /** OpenFlow keepalive to the integration bridge (ovn-openflow-probe-interval, seconds; default 0: none). */
  readonly openflowProbeIntervalS: number;
  readonly monitorAll: boolean;
  readonly hostname: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const list = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Parses `phys1:br-eth0,phys2:br-eth1`; malformed entries are errors, not silently dropped. */
export function parseBridgeMappings(s: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list(s)) {
    const i = item.indexOf(':');
    if (i <= 0 || i === item.length - 1)
      throw new ConfigError(`bad ovn-bridge-mappings entry "${item}" (want network:bridge)`);
    out.set(item.slice(0, i), item.slice(i + 1));
  }
  return out;
}

/**
 * The external_ids as this chassis reads them: a key suffixed with `-<system-id>` (e.g.
 * `ovn-encap-type-hv3`) overrides the plain key, as ovn-controller lets several chassis share one
 * Open_vSwitch table. Without a system-id, the ids as they are.
 */
export function chassisScopedIds(ids: Readonly<Record<string, string>>): Record<string, string> {
  const systemId = ids['system-id'];
  const out: Record<string, string> = { ...ids };
  if (!systemId) return out;
  const suffix = `-${systemId}`;
  for (const [k, v] of Object.entries(ids))
    if (k.length > suffix.length && k.endsWith(suffix) && k !== 'system-id') out[k.slice(0, -suffix.length)] = v;
  return out;
}

/** Returns the configuration, or a ConfigError naming the first missing/invalid key. */
export function parseChassisConfig(rawIds: Readonly<Record<string, string>>, hostname: string): ChassisConfig {
  const ids = chassisScopedIds(rawIds);
  const systemId = ids['system-id'];
  if (!systemId) throw new ConfigError('Open_vSwitch external_ids:system-id is not set');
  const remote = ids['ovn-remote'];
  if (!remote) throw new ConfigError('Open_vSwitch external_ids:ovn-remote is not set');
  const encapTypes = list(ids['ovn-encap-type']);
  if (!encapTypes.length) throw new ConfigError('Open_vSwitch external_ids:ovn-encap-type is not set');
  for (const t of encapTypes)
    if (t !== 'geneve' && t !== 'vxlan') throw new ConfigError(`unsupported ovn-encap-type "${t}"`);
  const encapIps = list(ids['ovn-encap-ip']);
  if (!encapIps.length) throw new ConfigError('Open_vSwitch external_ids:ovn-encap-ip is not set');
  // As ovn-controller: no keepalive by default where the stream needs none (a unix: socket).
  const defaultProbe = remote.startsWith('unix:') ? 0 : 5000;
  const probe = Number(ids['ovn-remote-probe-interval'] ?? defaultProbe);
  const ofProbe = Number(ids['ovn-openflow-probe-interval'] ?? 0);
  return {
    systemId,
    remote,
    encapTypes: encapTypes as EncapType[],
    encapIps,
    bridge: ids['ovn-bridge'] || 'br-int',
    bridgeDatapathType: ids['ovn-bridge-datapath-type'] ?? '',
    bridgeMappings: parseBridgeMappings(ids['ovn-bridge-mappings']),
    chassisMacMappings: ids['ovn-chassis-mac-mappings'] ?? '',
    probeIntervalMs: Number.isFinite(probe) && probe >= 0 ? probe : defaultProbe,
    openflowProbeIntervalS: Number.isFinite(ofProbe) && ofProbe >= 0 ? ofProbe : 0,
    monitorAll: ids['ovn-monitor-all'] === 'true',
    hostname: ids['hostname'] || hostname,
  };
}
