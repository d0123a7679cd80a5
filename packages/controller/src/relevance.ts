// Which database changes can change the chassis's flows (pure). Our own status writes (port up, nb_cfg,
// ovn-installed, zones) and OVS statistics come back as changes too; recomputing for them would waste a full
// flow computation per write, so they are filtered out here.

/**
 * Columns of the monitored tables that vswitchd keeps rewriting (counters every 5 s, link and protocol state)
 * and nothing here reads. ovs-state.ts leaves them out of the monitor, as ovn-controller monitors only the
 * columns it uses, so a statistics refresh is not sent, parsed and decoded on every chassis; their changes are
 * ignored here too (declared once, for both).
 */
export const UNREAD_OVS_COLUMNS: Readonly<Record<'Open_vSwitch' | 'Bridge' | 'Port' | 'Interface', readonly string[]>> =
  {
    Open_vSwitch: ['statistics'],
    Bridge: ['status', 'rstp_status'],
    Port: ['statistics', 'status', 'rstp_statistics', 'rstp_status'],
    Interface: [
      'statistics',
      'status',
      'admin_state',
      'link_state',
      'link_resets',
      'link_speed',
      'duplex',
      'mtu',
      'ifindex',
      'mac_in_use',
      'lacp_current',
      'cfm_fault',
      'cfm_fault_status',
      'cfm_health',
      'cfm_flap_count',
      'cfm_remote_mpids',
      'cfm_remote_opstate',
    ],
  };

/** Columns whose changes never affect flows, per table (either database). */
const IGNORED_COLUMNS: Readonly<Record<string, ReadonlySet<string>>> = {
  // Our own BFD configuration writes; the sessions' liveness comes back through bfd_status.
  Interface: new Set([...UNREAD_OVS_COLUMNS.Interface, 'bfd', 'error']),
  Port: new Set(UNREAD_OVS_COLUMNS.Port),
  Bridge: new Set([...UNREAD_OVS_COLUMNS.Bridge, 'datapath_version']),
  Open_vSwitch: new Set([
    ...UNREAD_OVS_COLUMNS.Open_vSwitch,
    'cur_cfg',
    'next_cfg',
    'dpdk_initialized',
    'dpdk_version',
  ]),
  Port_Binding: new Set(['up']),
  Chassis: new Set(['nb_cfg']),
  Chassis_Private: new Set(['nb_cfg', 'nb_cfg_timestamp', 'external_ids']),
  SB_Global: new Set(['nb_cfg']),
  // Health check verdicts (ours, or northd's offline for a port gone down) compute nothing.
  Service_Monitor: new Set(['status']),
};

/** external_ids keys we write ourselves and never read back for flows. */
const IGNORED_IDS = /^(ovn-installed|ovn-installed-ts|ovn-nb-cfg|ovn-nb-cfg-ts|ovn-startup-ts|ct-zone-.*)$/;

interface Change {
  readonly kind: 'insert' | 'modify' | 'delete';
  readonly table: string;
  readonly old: unknown;
  readonly new: unknown;
}

function sameIds(a: unknown, b: unknown): boolean {
  const x = (a ?? {}) as Record<string, string>;
  const y = (b ?? {}) as Record<string, string>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of keys) if (!IGNORED_IDS.test(k) && x[k] !== y[k]) return false;
  return true;
}

function sameBfdState(a: unknown, b: unknown): boolean {
  return ((a ?? {}) as Record<string, string>)['state'] === ((b ?? {}) as Record<string, string>)['state'];
}

/** True when the change may alter what the chassis computes. */
export function affectsFlows(c: Change): boolean {
  // Multicast groups learned by snooping (ours, and others' with ovn-monitor-all) are northd's input only.
  if (c.table === 'IGMP_Group') return false;
  if (c.kind !== 'modify') return c.table !== 'Chassis_Private';
  const ignored = IGNORED_COLUMNS[c.table];
  const o = c.old as Record<string, unknown>;
  const n = c.new as Record<string, unknown>;
  for (const col of Object.keys(n)) {
    if (col === '_version' || ignored?.has(col)) continue;
    const a = o[col];
    const b = n[col];
    if (a === b) continue;
    if (col === 'external_ids' && sameIds(a, b)) continue;
    // A BFD session going up or down moves gateways; its counters and diagnostics do not.
    if (col === 'bfd_status' && sameBfdState(a, b)) continue;
    if (JSON.stringify(a) !== JSON.stringify(b)) return true;
  }
  return false;
}

/** SB_Global.nb_cfg moved: the chassis must report it once its flows are current. */
export function bumpsNbCfg(c: Change): boolean {
  return c.table === 'SB_Global';
}
