// What ovn-controller keeps in the Open_vSwitch row's other_config: `vlan-limit=0` (so the datapath parses
// double-tagged frames and ACLs can match them) and this chassis's index `ovn-chassis-idx-<system-id>`,
// which tells several controllers on one host apart ("" for the first, then 0-9, a-z); the index is removed
// when the chassis leaves.
import type { CallOptions, OvsdbClient } from 'ovsdb-client-ts';
import { model as vswitchModel, type OpenVSwitch } from '@ovnts/schema/vswitch';

export const CHASSIS_IDX_PREFIX = 'ovn-chassis-idx-';

/** The other_config keys to set (pure); empty when the row is as wanted. */
export function otherConfigUpdates(root: Pick<OpenVSwitch, 'other_config'>, systemId: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (root.other_config['vlan-limit'] !== '0') out['vlan-limit'] = '0';
  const key = CHASSIS_IDX_PREFIX + systemId;
  if (root.other_config[key] === undefined) {
    const used = new Set(
      Object.entries(root.other_config)
        .filter(([k]) => k.startsWith(CHASSIS_IDX_PREFIX))
        .map(([, v]) => v),
    );
    const free = ['', ...'0123456789abcdefghijklmnopqrstuvwxyz'].find((c) => !used.has(c));
    if (free !== undefined) out[key] = free;
  }
  return out;
}

export async function syncOtherConfig(ovs: OvsdbClient, root: OpenVSwitch, systemId: string): Promise<boolean> {
  const upd = otherConfigUpdates(root, systemId);
  const keys = Object.keys(upd);
  if (!keys.length) return false;
  const txn = ovs.transaction(vswitchModel);
  const where = [['_uuid', '==', root._uuid]] as const;
  txn.mutate('Open_vSwitch', where, [['other_config', 'delete', keys]]);
  txn.mutate('Open_vSwitch', where, [['other_config', 'insert', upd]]);
  await txn.commit();
  return true;
}

/** Drops this chassis's index (a clean exit). */
export async function clearChassisIndex(
  ovs: OvsdbClient,
  root: OpenVSwitch,
  systemId: string,
  call: CallOptions = {},
): Promise<void> {
  const key = CHASSIS_IDX_PREFIX + systemId;
  if (root.other_config[key] === undefined) return;
  const txn = ovs.transaction(vswitchModel);
  txn.mutate('Open_vSwitch', [['_uuid', '==', root._uuid]], [['other_config', 'delete', [key]]]);
  await txn.commit(call);
}
