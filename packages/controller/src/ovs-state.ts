// Reading and writing the local Open_vSwitch database: the integration bridge and its interfaces, tunnel
// ports to other chassis, and conntrack zones kept in the bridge's external_ids.
import type { MonitorOptions, OvsdbClient, Replica, Uuid } from 'ovsdb-client-ts';
import { model as vswitchModel, type Bridge } from '@ovnts/schema/vswitch';
import type { ChassisConfig } from './config.js';
import type { OvsIface } from './view.js';
import { UNREAD_OVS_COLUMNS } from './relevance.js';
import { ZONE_PREFIX } from './zones.js';

import type { VsSnapshot } from './snapshots.js';
export type { VsSnapshot };
export type VsReplica = Replica<typeof vswitchModel>;

/** The controller's monitor of the local database: its four tables, every column but the unread ones. */
export function ovsMonitorTables(): NonNullable<MonitorOptions<typeof vswitchModel>['tables']> {
  const out: Record<string, { columns: string[] }> = {};
  for (const [table, unread] of Object.entries(UNREAD_OVS_COLUMNS)) {
    const skip = new Set(unread);
    out[table] = { columns: Object.keys(vswitchModel.schema.tables[table]!.columns).filter((c) => !skip.has(c)) };
  }
  return out as NonNullable<MonitorOptions<typeof vswitchModel>['tables']>;
}

export function findBridge(vs: VsSnapshot, name: string): Bridge | undefined {
  for (const b of vs.Bridge.values()) if (b.name === name) return b;
  return undefined;
}

/** The interfaces of a bridge, with what OVN reads from them. */
export function bridgeIfaces(vs: VsSnapshot, bridge: Bridge): OvsIface[] {
  const out: OvsIface[] = [];
  for (const pu of bridge.ports) {
    const port = vs.Port.get(pu);
    if (!port) continue;
    for (const iu of port.interfaces) {
      const i = vs.Interface.get(iu);
      if (!i) continue;
      const chassisId = port.external_ids['ovn-chassis-id'];
      const ifaceId = i.external_ids['iface-id'];
      const localnet = port.external_ids['ovn-localnet-port'];
      const encapIp = i.external_ids['encap-ip'];
      const ifaceIdVer = i.external_ids['iface-id-ver'];
      out.push({
        name: i.name,
        ofport: i.ofport ?? -1,
        type: i.type,
        ...(ifaceId ? { ifaceId } : {}),
        ...(chassisId ? { tunnelChassis: chassisId.split('@')[0]! } : {}),
        ...(localnet ? { localnetPort: localnet } : {}),
        ...(encapIp ? { encapIp } : {}),
        ...(ifaceIdVer ? { ifaceIdVer } : {}),
      });
    }
  }
  return out;
}

/** Creates the integration bridge as ovn-controller does when it is missing. */
export async function ensureBridge(ovs: OvsdbClient, vs: VsSnapshot, cfg: ChassisConfig): Promise<void> {
  if (findBridge(vs, cfg.bridge)) return;
  const root = [...vs.Open_vSwitch.values()][0];
  if (!root) return;
  const txn = ovs.transaction(vswitchModel);
  const iface = txn.insert('Interface', { name: cfg.bridge, type: 'internal' });
  const port = txn.insert('Port', { name: cfg.bridge, interfaces: [iface] });
  const br = txn.insert('Bridge', {
    name: cfg.bridge,
    ports: [port],
    fail_mode: 'secure',
    datapath_type: cfg.bridgeDatapathType,
    other_config: { 'disable-in-band': 'true' },
  });
  txn.mutate('Open_vSwitch', [['_uuid', '==', root._uuid]], [['bridges', 'insert', [br]]]);
  await txn.commit();
}

export interface TunnelSpec {
  readonly chassis: string;
  readonly type: string;
  readonly remoteIp: string;
  readonly localIp?: string;
}

const tunnelId = (t: TunnelSpec) => `${t.chassis}@${t.remoteIp}`;

/**
 * How many of the bridge's tunnel interfaces have no OpenFlow port yet: vswitchd assigns it after the
 * port's creation commits, and until then the remote ports behind that tunnel get no flows.
 */
export function tunnelsAwaitingOfport(vs: VsSnapshot, bridge: Bridge): number {
  let n = 0;
  for (const pu of bridge.ports) {
    const p = vs.Port.get(pu);
    if (!p?.external_ids['ovn-chassis-id']) continue;
    for (const iu of p.interfaces) if (vs.Interface.get(iu)?.ofport === null) n++;
  }
  return n;
}

/** Adds/removes `ovn-<id>-N` tunnel ports so the bridge has exactly one per remote chassis encap. */
export async function syncTunnels(
  ovs: OvsdbClient,
  vs: VsSnapshot,
  bridge: Bridge,
  want: readonly TunnelSpec[],
): Promise<boolean> {
  const have = new Map<string, { port: Uuid<'Port'>; name: string; fingerprint: string }>();
  const names = new Set<string>();
  for (const pu of bridge.ports) {
    const p = vs.Port.get(pu);
    if (!p) continue;
    names.add(p.name);
    const id = p.external_ids['ovn-chassis-id'];
    if (!id) continue;
    const i = vs.Interface.get(p.interfaces[0]!);
    have.set(id, {
      port: pu,
      name: p.name,
      fingerprint: `${i?.type}|${i?.options['remote_ip']}|${i?.options['local_ip'] ?? ''}`,
    });
  }
  const wanted = new Map(want.map((t) => [tunnelId(t), t]));
  const txn = ovs.transaction(vswitchModel);
  let changed = false;
  const removePorts: Uuid<'Port'>[] = [];
  for (const [id, h] of have) {
    const t = wanted.get(id);
    if (!t || h.fingerprint !== `${t.type}|${t.remoteIp}|${t.localIp ?? ''}`) {
      removePorts.push(h.port);
      names.delete(h.name);
      have.delete(id);
    }
  }
  const addPorts = [];
  for (const [id, t] of wanted) {
    if (have.has(id)) continue;
    let name = '';
    for (let i = 0; i < 0xffff; i++) {
      name = `ovn-${t.chassis.slice(0, 6)}-${i.toString(16)}`;
      if (!names.has(name)) break;
    }
    names.add(name);
    const iface = txn.insert('Interface', {
      name,
      type: t.type,
      options: { remote_ip: t.remoteIp, key: 'flow', csum: 'true', ...(t.localIp ? { local_ip: t.localIp } : {}) },
    });
    addPorts.push(txn.insert('Port', { name, interfaces: [iface], external_ids: { 'ovn-chassis-id': id } }));
  }
  if (removePorts.length) {
    txn.mutate('Bridge', [['_uuid', '==', bridge._uuid]], [['ports', 'delete', removePorts]]);
    changed = true;
  }
  if (addPorts.length) {
    txn.mutate('Bridge', [['_uuid', '==', bridge._uuid]], [['ports', 'insert', addPorts]]);
    changed = true;
  }
  if (changed) await txn.commit();
  return changed;
}

/** Rewrites the `ct-zone-*` keys of the bridge's external_ids when the assignment changed. */
export async function persistZones(
  ovs: OvsdbClient,
  bridge: Bridge,
  zones: ReadonlyMap<string, number>,
): Promise<boolean> {
  const stale = Object.keys(bridge.external_ids).filter(
    (k) => k.startsWith(ZONE_PREFIX) && zones.get(k.slice(ZONE_PREFIX.length)) === undefined,
  );
  const fresh: Record<string, string> = {};
  for (const [k, z] of zones)
    if (bridge.external_ids[ZONE_PREFIX + k] !== String(z)) fresh[ZONE_PREFIX + k] = String(z);
  if (!stale.length && !Object.keys(fresh).length) return false;
  const txn = ovs.transaction(vswitchModel);
  const where = [['_uuid', '==', bridge._uuid]] as const;
  const del = [...stale, ...Object.keys(fresh)];
  if (del.length) txn.mutate('Bridge', where, [['external_ids', 'delete', del]]);
  if (Object.keys(fresh).length) txn.mutate('Bridge', where, [['external_ids', 'insert', fresh]]);
  await txn.commit();
  return true;
}

/**
 * Marks interfaces whose port's flows are installed (external_ids:ovn-installed), as CMSes expect, and
 * unmarks those whose port is no longer bound here. Returns the iface-ids it newly marked.
 */
export async function markInstalled(
  ovs: OvsdbClient,
  vs: VsSnapshot,
  bridge: Bridge,
  ifaceIds: ReadonlySet<string>,
): Promise<string[]> {
  const txn = ovs.transaction(vswitchModel);
  let n = 0;
  const newly: string[] = [];
  const onBridge = bridge.ports.flatMap((p) => vs.Port.get(p)?.interfaces ?? []);
  for (const iu of onBridge) {
    const i = vs.Interface.get(iu);
    if (!i) continue;
    const id = i.external_ids['iface-id'];
    const marked = i.external_ids['ovn-installed'] === 'true';
    const where = [['_uuid', '==', i._uuid]] as const;
    if (id && ifaceIds.has(id) && !marked) {
      txn.mutate('Interface', where, [
        ['external_ids', 'insert', { 'ovn-installed': 'true', 'ovn-installed-ts': String(Date.now()) }],
      ]);
      n++;
      newly.push(id);
    } else if (marked && (!id || !ifaceIds.has(id))) {
      txn.mutate('Interface', where, [['external_ids', 'delete', ['ovn-installed', 'ovn-installed-ts']]]);
      n++;
    }
  }
  if (n) await txn.commit();
  return newly;
}

export async function setBridgeNbCfg(ovs: OvsdbClient, bridge: Bridge, nbCfg: number): Promise<void> {
  if (bridge.external_ids['ovn-nb-cfg'] === String(nbCfg)) return;
  const txn = ovs.transaction(vswitchModel);
  const where = [['_uuid', '==', bridge._uuid]] as const;
  txn.mutate('Bridge', where, [['external_ids', 'delete', ['ovn-nb-cfg', 'ovn-nb-cfg-ts']]]);
  txn.mutate('Bridge', where, [
    ['external_ids', 'insert', { 'ovn-nb-cfg': String(nbCfg), 'ovn-nb-cfg-ts': String(Date.now()) }],
  ]);
  await txn.commit();
}

export interface LocalnetPatch {
  /** The localnet logical port. */
  readonly port: string;
  /** The physical bridge its network maps to. */
  readonly bridge: string;
}

const patchNames = (p: LocalnetPatch, intBridge: string) => ({
  onInt: `patch-${intBridge}-to-${p.port}`,
  onPhys: `patch-${p.port}-to-${intBridge}`,
});

/**
 * Keeps one pair of patch ports per localnet port between the integration bridge and the bridge its
 * physical network maps to (ovn-bridge-mappings), as ovn-controller names them. Returns whether it wrote.
 */
export async function syncLocalnetPatches(
  ovs: OvsdbClient,
  vs: VsSnapshot,
  intBridge: Bridge,
  want: readonly LocalnetPatch[],
): Promise<boolean> {
  const wanted = new Map<string, { bridge: Bridge; peer: string; port: string }>();
  for (const p of want) {
    const phys = findBridge(vs, p.bridge);
    if (!phys) continue;
    const n = patchNames(p, intBridge.name);
    wanted.set(`${intBridge.name}|${n.onInt}`, { bridge: intBridge, peer: n.onPhys, port: p.port });
    wanted.set(`${phys.name}|${n.onPhys}`, { bridge: phys, peer: n.onInt, port: p.port });
  }
  const txn = ovs.transaction(vswitchModel);
  let changed = false;
  const have = new Set<string>();
  // Only the integration bridge's OVN patch ports and their peers are ours: another integration bridge on
  // the same host (another chassis) keeps its own.
  const ours = ownedPatchPorts(vs, intBridge);
  for (const br of vs.Bridge.values()) {
    const stale: Uuid<'Port'>[] = [];
    for (const pu of br.ports) {
      const port = vs.Port.get(pu);
      if (!port?.external_ids['ovn-localnet-port'] || !ours.has(pu)) continue;
      const key = `${br.name}|${port.name}`;
      if (wanted.has(key)) have.add(key);
      else stale.push(pu);
    }
    if (stale.length) {
      txn.mutate('Bridge', [['_uuid', '==', br._uuid]], [['ports', 'delete', stale]]);
      changed = true;
    }
  }
  for (const [key, w] of wanted) {
    if (have.has(key)) continue;
    const name = key.slice(key.indexOf('|') + 1);
    const iface = txn.insert('Interface', { name, type: 'patch', options: { peer: w.peer } });
    const port = txn.insert('Port', { name, interfaces: [iface], external_ids: { 'ovn-localnet-port': w.port } });
    txn.mutate('Bridge', [['_uuid', '==', w.bridge._uuid]], [['ports', 'insert', [port]]]);
    changed = true;
  }
  if (changed) await txn.commit();
  return changed;
}

/** The integration bridge's ports, and the ports on other bridges whose patch peer is one of them. */
function ownedPatchPorts(vs: VsSnapshot, intBridge: Bridge): Set<Uuid<'Port'>> {
  const out = new Set<Uuid<'Port'>>(intBridge.ports);
  const peerNames = new Set<string>();
  const intNames = new Set<string>();
  for (const pu of intBridge.ports) {
    const port = vs.Port.get(pu);
    if (!port) continue;
    intNames.add(port.name);
    for (const iu of port.interfaces) {
      const peer = vs.Interface.get(iu)?.options['peer'];
      if (peer) peerNames.add(peer);
    }
  }
  for (const br of vs.Bridge.values()) {
    if (br._uuid === intBridge._uuid) continue;
    for (const pu of br.ports) {
      const port = vs.Port.get(pu);
      if (!port) continue;
      const peerOfInt = port.interfaces.some((iu) => intNames.has(vs.Interface.get(iu)?.options['peer'] ?? ''));
      if (peerNames.has(port.name) || peerOfInt) out.add(pu);
    }
  }
  return out;
}
