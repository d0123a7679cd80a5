// Which database changes can change the chassis's flows (pure). Our own status writes (port up, nb_cfg,
// ovn-installed, zones) and OVS statistics come back as changes too; recomputing for them would waste a full
// flow computation per write, so they are filtered out here.

/** Columns whose changes never affect flows, per table (either database). */
const IGNORED_COLUMNS: Readonly<Record<string, ReadonlySet<string>>> = {
  Interface: new Set([
    'statistics',
    'status',
    'link_state',
    'link_speed',
    'link_resets',
    'admin_state',
    'mtu',
    'duplex',
    'ifindex',
    'mac_in_use',
    'lacp_current',
    // Our own BFD configuration writes; the sessions' liveness comes back through bfd_status (below).
    'bfd',
    'cfm_fault',
    'cfm_fault_status',
    'cfm_health',
    'cfm_flap_count',
    'cfm_remote_mpids',
    'cfm_remote_opstate',
    'error',
  ]),
  Port: new Set(['statistics', 'status', 'rstp_statistics', 'rstp_status']),
  Bridge: new Set(['status', 'rstp_status', 'datapath_version']),
  Open_vSwitch: new Set(['cur_cfg', 'next_cfg', 'statistics', 'dpdk_initialized', 'dpdk_version']),
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
