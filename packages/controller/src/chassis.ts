// The chassis's own rows in the southbound DB: Chassis, its Encaps and Chassis_Private, created or brought
// in line with the local configuration at start, removed on graceful exit.
import type { CallOptions, OvsdbClient, Uuid } from 'ovsdb-client-ts';
import { model as sbModel } from '@ovnts/schema/sb';
import type { ChassisConfig } from './config.js';
import type { SbSnapshot } from './view.js';

/** Chassis.other_config as ovn-controller 23.03 publishes it; northd keys features off some of these. */
export function chassisOtherConfig(cfg: ChassisConfig, ifaceTypes: readonly string[]): Record<string, string> {
  return {
    'ct-no-masked-label': 'true',
    'datapath-type': cfg.bridgeDatapathType,
    'iface-types': [...ifaceTypes].sort().join(','),
    'is-interconn': 'false',
    'mac-binding-timestamp': 'true',
    'ovn-bridge-mappings': [...cfg.bridgeMappings].map(([k, v]) => `${k}:${v}`).join(','),
    'ovn-chassis-mac-mappings': cfg.chassisMacMappings,
    'ovn-cms-options': '',
    'ovn-ct-lb-related': 'true',
    'ovn-enable-lflow-cache': 'true',
    'ovn-limit-lflow-cache': '',
    'ovn-memlimit-lflow-cache-kb': '',
    'ovn-monitor-all': String(cfg.monitorAll),
    'ovn-trim-limit-lflow-cache': '',
    'ovn-trim-timeout-ms': '',
    'ovn-trim-wmark-perc-lflow-cache': '',
    'port-up-notif': 'true',
  };
}

const encapKey = (type: string, ip: string) => `${type}|${ip}`;

/** Makes the SB rows for this chassis match `cfg`; only writes when something differs. */
export async function registerChassis(
  sb: OvsdbClient,
  snap: SbSnapshot,
  cfg: ChassisConfig,
  ifaceTypes: readonly string[],
): Promise<boolean> {
  const name = cfg.systemId;
  const chassis = [...snap.Chassis.values()].find((c) => c.name === name);
  const priv = [...snap.Chassis_Private.values()].find((c) => c.name === name);
  const other = chassisOtherConfig(cfg, ifaceTypes);
  const wantEncaps = cfg.encapTypes.flatMap((t) => cfg.encapIps.map((ip) => encapKey(t, ip)));
  const haveEncaps = (chassis?.encaps ?? [])
    .map((u) => snap.Encap.get(u))
    .map((e) => (e ? encapKey(e.type, e.ip) : '?'));
  const encapsOk = wantEncaps.length === haveEncaps.length && wantEncaps.every((k) => haveEncaps.includes(k));
  const otherOk =
    chassis !== undefined &&
    JSON.stringify(chassis.other_config) === JSON.stringify(Object.fromEntries(Object.entries(other).sort()));
  const chassisOk = chassis !== undefined && encapsOk && otherOk && chassis.hostname === cfg.hostname;
  const privOk = priv !== undefined && chassis !== undefined && priv.chassis === chassis._uuid;
  if (chassisOk && privOk) return false;

  const txn = sb.transaction(sbModel);
  let chassisRef: Uuid<'Chassis'> | ReturnType<typeof txn.insert<'Chassis'>>;
  if (!chassisOk) {
    const encaps = cfg.encapTypes.flatMap((type) =>
      cfg.encapIps.map((ip) => txn.insert('Encap', { type, ip, chassis_name: name, options: { csum: 'true' } })),
    );
    const row = { name, hostname: cfg.hostname, encaps, other_config: other };
    if (chassis) {
      txn.update('Chassis', [['_uuid', '==', chassis._uuid]], row);
      chassisRef = chassis._uuid;
    } else chassisRef = txn.insert('Chassis', row);
  } else chassisRef = chassis._uuid;
  if (priv) txn.update('Chassis_Private', [['_uuid', '==', priv._uuid]], { chassis: chassisRef });
  else txn.insert('Chassis_Private', { name, chassis: chassisRef });
  await txn.commit();
  return true;
}

/** Graceful exit: release our port bindings and delete our Chassis/Chassis_Private (Encaps go with them). */
export async function unregisterChassis(
  sb: OvsdbClient,
  snap: SbSnapshot,
  name: string,
  call: CallOptions = {},
): Promise<void> {
  const chassis = [...snap.Chassis.values()].find((c) => c.name === name);
  const txn = sb.transaction(sbModel);
  if (chassis) {
    for (const pb of snap.Port_Binding.values())
      if (pb.chassis === chassis._uuid)
        txn.update('Port_Binding', [['_uuid', '==', pb._uuid]], { chassis: null, up: false });
    // The multicast groups this chassis learned, as ovn-controller's exit cleans them up.
    txn.delete('IGMP_Group', [['chassis', '==', chassis._uuid]]);
  }
  txn.delete('Chassis_Private', [['name', '==', name]]);
  txn.delete('Chassis', [['name', '==', name]]);
  await txn.commit({ ...call, retryOnFailover: false });
}
