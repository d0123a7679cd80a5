// Environment checks from the local Open_vSwitch database: is offload on, with which tc-policy, does the
// datapath type fit the profile's provider, are uplinks bonded, which encapsulation does OVN use.
import type { NicProfile } from './profiles.js';

export interface OvsContext {
  /** Open_vSwitch row: other_config and external_ids. */
  readonly otherConfig: Readonly<Record<string, string>>;
  readonly externalIds: Readonly<Record<string, string>>;
  readonly bridges?: readonly {
    readonly name: string;
    readonly datapathType: string;
    readonly ports: readonly string[];
  }[];
  readonly ports?: readonly {
    readonly name: string;
    readonly interfaces: readonly string[];
    readonly bondMode: string | null;
    readonly lacp?: string | null;
  }[];
}

export type Severity = 'ok' | 'warning' | 'error';

export interface EnvFinding {
  readonly check: 'hw-offload' | 'tc-policy' | 'datapath-type' | 'bond' | 'encap';
  readonly severity: Severity;
  readonly message: string;
}

/** Bridges OVN uses as uplinks: the ovn-bridge-mappings targets. */
function uplinkBridges(ovs: OvsContext): string[] {
  return (ovs.externalIds['ovn-bridge-mappings'] ?? '')
    .split(',')
    .map((m) => m.split(':')[1]?.trim())
    .filter((b): b is string => !!b);
}

export function checkEnvironment(ovs: OvsContext, profile: NicProfile): EnvFinding[] {
  const out: EnvFinding[] = [];
  const hw = ovs.otherConfig['hw-offload'];
  out.push(
    hw === 'true'
      ? { check: 'hw-offload', severity: 'ok', message: 'other_config:hw-offload=true' }
      : {
          check: 'hw-offload',
          severity: 'error',
          message: 'other_config:hw-offload is not true: nothing is offloaded (set it and restart ovs-vswitchd)',
        },
  );
  if (profile.provider === 'tc') {
    const pol = ovs.otherConfig['tc-policy'] ?? 'none';
    out.push(
      pol === 'skip_hw'
        ? { check: 'tc-policy', severity: 'error', message: 'tc-policy=skip_hw keeps every TC rule in software' }
        : {
            check: 'tc-policy',
            severity: 'ok',
            message: `tc-policy=${pol}${pol === 'none' ? ' (hardware when possible, else TC software)' : ''}`,
          },
    );
  }
  const bridgeName = ovs.externalIds['ovn-bridge'] ?? 'br-int';
  const brInt = ovs.bridges?.find((b) => b.name === bridgeName);
  if (brInt) {
    const dt = brInt.datapathType || 'system';
    const wanted = profile.provider === 'tc' ? 'system' : 'netdev';
    out.push(
      dt === wanted
        ? { check: 'datapath-type', severity: 'ok', message: `${bridgeName} datapath_type=${dt}` }
        : {
            check: 'datapath-type',
            severity: 'error',
            message: `${bridgeName} datapath_type=${dt}, but ${profile.id} offloads through the ${wanted} datapath`,
          },
    );
  }
  const uplinks = new Set(uplinkBridges(ovs));
  const portsOnUplinks = new Set((ovs.bridges ?? []).filter((b) => uplinks.has(b.name)).flatMap((b) => b.ports));
  for (const p of ovs.ports ?? []) {
    const bonded = p.interfaces.length > 1 || !!p.bondMode;
    if (!bonded) continue;
    const where = portsOnUplinks.has(p.name) ? 'uplink ' : '';
    out.push({
      check: 'bond',
      severity: 'warning',
      message: `${where}port ${p.name} is a bond (${p.interfaces.length} interfaces${p.bondMode ? `, bond_mode=${p.bondMode}` : ''}): offload across a bond needs VF LAG (active-backup, XOR or LACP) in the NIC`,
    });
  }
  const encap = ovs.externalIds['ovn-encap-type'];
  if (encap) {
    const geneve = encap.split(',').includes('geneve');
    const tlv = profile.matches.tun_metadata;
    out.push(
      geneve && tlv && tlv.support !== 'full'
        ? {
            check: 'encap',
            severity: 'warning',
            message: `ovn-encap-type=${encap}: OVN carries ports in a Geneve TLV option; ${profile.id}: ${tlv.note}`,
          }
        : { check: 'encap', severity: 'ok', message: `ovn-encap-type=${encap}` },
    );
  }
  return out;
}

/** An OvsContext from `ovs-vsctl -f json list` rows (decoded with decodeListJson). */
export function ovsContextFromRows(rows: {
  openVswitch: Record<string, unknown>;
  bridges?: readonly Record<string, unknown>[];
  ports?: readonly Record<string, unknown>[];
  interfaces?: readonly Record<string, unknown>[];
}): OvsContext {
  const rec = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {});
  const arr = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);
  const portName = new Map((rows.ports ?? []).map((p) => [String(p['_uuid']), String(p['name'])]));
  const ifName = new Map((rows.interfaces ?? []).map((i) => [String(i['_uuid']), String(i['name'])]));
  return {
    otherConfig: rec(rows.openVswitch['other_config']),
    externalIds: rec(rows.openVswitch['external_ids']),
    bridges: (rows.bridges ?? []).map((b) => ({
      name: String(b['name']),
      datapathType: String(b['datapath_type'] ?? ''),
      ports: arr(b['ports']).map((u) => portName.get(u) ?? u),
    })),
    ports: (rows.ports ?? []).map((p) => ({
      name: String(p['name']),
      interfaces: arr(p['interfaces']).map((u) => ifName.get(u) ?? u),
      bondMode: typeof p['bond_mode'] === 'string' ? p['bond_mode'] : null,
    })),
  };
}
