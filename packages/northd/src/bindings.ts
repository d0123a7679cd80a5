// Datapath_Binding, Port_Binding and Multicast_Group content with stable tunnel keys. Keys already in
// the SB are kept, options:requested-tnl-key wins when free, the rest is allocated sequentially.
import type { Diagnostics } from './diagnostics.js';
import type { NbInput, SbKeyInput } from './input.js';
import { lrpHaGroupName, lspHaGroupName, requestedChassisNames } from './ha-chassis-groups.js';
import { KEY_RANGES, KeyAllocator, MC_KEYS, requestedKey, type McGroupName } from './keys.js';
import type { Datapath, Port, RouterDatapath, RouterPort, SwitchDatapath, SwitchPort, Topology } from './topology.js';
import { hasVtepPeer, l3gatewayChassis, redirectPortOf, redirectPorts } from './stateful/gateway-bindings.js';
import { switchPortNatAddresses, type NatAddressInputs } from './stateful/nat-addresses.js';
import { alwaysLearnFromArpRequest } from './router-options.js';
import { ipv6PortOptions } from './ipv6-ra.js';
import { mcastFloodPorts } from './router-mcast.js';
import { switchFloodRelay, switchPortMcast } from './switch-mcast.js';

export interface DatapathBindingOut {
  /** Identity: the NB Logical_Switch / Logical_Router UUID. */
  readonly id: string;
  readonly kind: 'switch' | 'router';
  readonly tunnelKey: number;
  readonly externalIds: Readonly<Record<string, string>>;
}

export interface PortBindingOut {
  /** Identity: the logical port name. */
  readonly logicalPort: string;
  readonly datapath: string;
  readonly tunnelKey: number;
  readonly type: string;
  readonly mac: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly parentPort: string | null;
  readonly tag: number | null;
  readonly portSecurity: readonly string[];
  readonly externalIds: Readonly<Record<string, string>>;
  /** The SB HA_Chassis_Group (by name) of a `cr-` port or an external switch port. */
  readonly haChassisGroup: string | null;
  /** options:requested-chassis as chassis names or hostnames (the writer resolves them to Chassis rows). */
  readonly requestedChassis: readonly string[];
  /** NB Mirror UUIDs, sorted (switch ports only); the writer names the SB Mirror rows of the same name. */
  readonly mirrorRules: readonly string[];
  /** Addresses ovn-controller sends gratuitous ARPs for (router-type switch ports). */
  readonly natAddresses: readonly string[];
}

/** What bindings read besides the topology and the SB keys. */
export interface BindingInputs {
  /** Routers with distributed floating IPs (their chassisredirect ports do not always redirect). */
  readonly distributedNat?: ReadonlySet<string>;
  /** For the names of the HA chassis groups ports use (none: no port names a group). */
  readonly nb?: Pick<NbInput, 'HA_Chassis_Group'>;
  /** NAT rows and balancer VIPs, for the nat_addresses of router-type switch ports (none without). */
  readonly natInputs?: NatAddressInputs;
  /**
   * A non-router switch port's binding from an earlier run, when it is still the one this run would
   * build (the incremental engine keeps it per NB row: a port added to a switch of 100 builds one).
   */
  readonly reuse?: (p: SwitchPort, datapath: string, tunnelKey: number) => PortBindingOut | undefined;
  /** Told of each non-router switch port's binding built (not reused): what reuse may return later. */
  readonly built?: (p: SwitchPort, binding: PortBindingOut) => void;
}

export interface MulticastGroupOut {
  readonly datapath: string;
  /** A fixed group (`_MC_flood`…) or a learned one, named after its address (igmp-groups.ts). */
  readonly name: string;
  readonly tunnelKey: number;
  /** Logical port names, sorted. */
  readonly ports: readonly string[];
}

export interface Bindings {
  readonly datapaths: readonly DatapathBindingOut[];
  readonly ports: readonly PortBindingOut[];
  readonly multicastGroups: readonly MulticastGroupOut[];
  /** Datapaths and ports that received a key (those that did not are left out of every output). */
  readonly dpKeys: ReadonlyMap<string, number>;
  readonly portKeys: ReadonlyMap<string, number>;
}

/** True when any chassis uses VXLAN encapsulation: keys must then fit VXLAN's smaller fields. */
export function vxlanMode(sb: SbKeyInput | undefined): boolean {
  if (!sb) return false;
  for (const ch of sb.Chassis.values()) {
    for (const e of ch.encaps) if (sb.Encap.get(e)?.type === 'vxlan') return true;
  }
  return false;
}

function dpIdentityOfSb(ext: Readonly<Record<string, string>>): string | undefined {
  return ext['logical-switch'] ?? ext['logical-router'];
}

/** The keys the SB already holds, by identity, and whether VXLAN limits the key ranges. */
export interface SbKeys {
  readonly vxlan: boolean;
  /** NB datapath UUID → its Datapath_Binding tunnel key. */
  readonly datapaths: ReadonlyMap<string, number>;
  /** Logical port name → its datapath (NB UUID) and tunnel key. */
  readonly ports: ReadonlyMap<string, { readonly dp: string; readonly key: number }>;
}

/** The existing keys of an SB (none for a cold start). */
export function sbKeys(sb: SbKeyInput | undefined): SbKeys {
  const datapaths = new Map<string, number>();
  const sbDpUuidToId = new Map<string, string>();
  const ports = new Map<string, { dp: string; key: number }>();
  if (sb) {
    for (const d of sb.Datapath_Binding.values()) {
      const id = dpIdentityOfSb(d.external_ids);
      if (id) {
        datapaths.set(id, d.tunnel_key);
        sbDpUuidToId.set(d._uuid, id);
      }
    }
    for (const pb of sb.Port_Binding.values()) {
      const dp = sbDpUuidToId.get(pb.datapath);
      if (dp) ports.set(pb.logical_port, { dp, key: pb.tunnel_key });
    }
  }
  return { vxlan: vxlanMode(sb), datapaths, ports };
}

export function buildBindings(
  topo: Pick<Topology, 'routers' | 'switches'>,
  sb: SbKeyInput | SbKeys | undefined,
  diag: Diagnostics,
  inputs: BindingInputs = {},
): Bindings {
  const distributedNat = inputs.distributedNat ?? new Set<string>();
  const noGroups: Pick<NbInput, 'HA_Chassis_Group'> = { HA_Chassis_Group: new Map() };
  const haNb = inputs.nb ?? noGroups;
  const keys = sb && 'vxlan' in sb ? sb : sbKeys(sb);
  const vx = keys.vxlan;
  const dps: Datapath[] = [...topo.routers, ...topo.switches];
  const sbDpKey = keys.datapaths;
  const sbPortKey = keys.ports;

  const dpRange = vx ? KEY_RANGES.datapathVxlan : KEY_RANGES.datapath;
  const dpAlloc = new KeyAllocator(dpRange.min, dpRange.max);
  const dpKeys = new Map<string, number>();
  assignKeys(
    dps,
    (d) => d.uuid,
    (d) =>
      requestedKey(d.kind === 'switch' ? d.nb.other_config['requested-tnl-key'] : d.nb.options['requested-tnl-key']),
    (d) => sbDpKey.get(d.uuid),
    dpAlloc,
    dpKeys,
    (d) =>
      diag.error(
        d.kind === 'switch' ? 'Logical_Switch' : 'Logical_Router',
        d.name,
        'all datapath tunnel keys are in use; datapath skipped',
      ),
    (d, k) =>
      diag.warn(
        d.kind === 'switch' ? 'Logical_Switch' : 'Logical_Router',
        d.name,
        `requested tunnel key ${k} is unavailable`,
      ),
  );

  const portRange = vx ? KEY_RANGES.portVxlan : KEY_RANGES.port;
  const portKeys = new Map<string, number>();
  for (const d of dps) {
    if (!dpKeys.has(d.uuid)) continue;
    const ports: Port[] = d.ports;
    const alloc = new KeyAllocator(portRange.min, portRange.max);
    assignKeys(
      ports,
      (p) => p.name,
      (p) => requestedKey(p.nb.options['requested-tnl-key']),
      (p) => {
        const e = sbPortKey.get(p.name);
        return e && e.dp === d.uuid ? e.key : undefined;
      },
      alloc,
      portKeys,
      (p) => diag.error(tableOf(p), p.name, `all port tunnel keys of datapath ${d.name} are in use; port skipped`),
      (p, k) => diag.warn(tableOf(p), p.name, `requested tunnel key ${k} is unavailable`),
    );
    // Chassisredirect ports of distributed gateway ports take keys in the router after its own ports.
    if (d.kind === 'router') {
      assignKeys(
        [...redirectPorts(d).values()],
        (n) => n,
        () => null,
        (n) => {
          const e = sbPortKey.get(n);
          return e && e.dp === d.uuid ? e.key : undefined;
        },
        alloc,
        portKeys,
        (n) =>
          diag.error('Logical_Router_Port', n, `all port tunnel keys of datapath ${d.name} are in use; port skipped`),
        () => {},
      );
    }
  }

  const datapaths: DatapathBindingOut[] = [];
  for (const d of dps) {
    const key = dpKeys.get(d.uuid);
    if (key === undefined) continue;
    datapaths.push({
      id: d.uuid,
      kind: d.kind,
      tunnelKey: key,
      externalIds: datapathExternalIds(d),
    });
  }

  const ports: PortBindingOut[] = [];
  const multicastGroups: MulticastGroupOut[] = [];
  for (const d of dps) {
    if (!dpKeys.has(d.uuid)) continue;
    if (d.kind === 'router') {
      for (const p of d.ports) {
        const key = portKeys.get(p.name);
        if (key === undefined) continue;
        const options: Record<string, string> = {};
        if (p.peer) options['peer'] = p.peer.name;
        const gw = l3gatewayChassis(p);
        if (gw) options['l3gateway-chassis'] = gw;
        // Named only on a port with a peer, as ovn-northd does.
        const cr = redirectPortOf(p);
        const crKey = cr ? portKeys.get(cr) : undefined;
        if (p.peer && cr && crKey !== undefined) options['chassis-redirect-port'] = cr;
        Object.assign(options, ipv6PortOptions(p));
        const mac = [[p.nb.mac, ...p.nb.networks].join(' ')];
        ports.push({
          logicalPort: p.name,
          datapath: d.uuid,
          tunnelKey: key,
          type: gw ? 'l3gateway' : 'patch',
          mac,
          options,
          parentPort: null,
          tag: null,
          portSecurity: [],
          externalIds: { ...p.nb.external_ids },
          haChassisGroup: null,
          requestedChassis: [],
          mirrorRules: [],
          natAddresses: [],
        });
        if (cr && crKey !== undefined) {
          ports.push({
            logicalPort: cr,
            datapath: d.uuid,
            tunnelKey: crKey,
            type: 'chassisredirect',
            mac,
            options: redirectOptions(p, distributedNat.has(d.uuid)),
            parentPort: null,
            tag: null,
            portSecurity: [],
            externalIds: { ...p.nb.external_ids },
            haChassisGroup: lrpHaGroupName(p.nb, haNb),
            requestedChassis: [],
            mirrorRules: [],
            natAddresses: [],
          });
        }
      }
      continue;
    }
    const flood: string[] = [];
    const floodL2: string[] = [];
    const unknown: string[] = [];
    const mrouter: string[] = [];
    const mcStatic: string[] = [];
    const relay = switchFloodRelay(d);
    for (const p of d.ports) {
      const key = portKeys.get(p.name);
      if (key === undefined) continue;
      const isRouter = p.type === 'router';
      const kept = isRouter ? undefined : inputs.reuse?.(p, d.uuid, key);
      if (kept) ports.push(kept);
      else {
        const options: Record<string, string> = isRouter ? {} : { ...p.nb.options };
        const gw = isRouter ? l3gatewayChassis(p) : null;
        if (isRouter) {
          const rp = p.nb.options['router-port'];
          if (rp !== undefined) options['peer'] = rp;
          if (gw) options['l3gateway-chassis'] = gw;
        }
        delete options['requested-tnl-key'];
        const binding: PortBindingOut = {
          logicalPort: p.name,
          datapath: d.uuid,
          tunnelKey: key,
          type: isRouter ? (gw ? 'l3gateway' : 'patch') : p.type,
          mac: [...p.nb.addresses],
          options,
          parentPort: p.nb.parent_name,
          tag: p.nb.tag ?? p.nb.tag_request ?? null,
          portSecurity: [...p.nb.port_security],
          externalIds: lspExternalIds(p.nb.external_ids),
          haChassisGroup: isRouter ? null : lspHaGroupName(p.nb, haNb),
          requestedChassis: isRouter ? [] : requestedChassisNames(p.nb),
          mirrorRules: [...p.nb.mirror_rules].sort(),
          natAddresses: isRouter && inputs.natInputs ? switchPortNatAddresses(p, inputs.natInputs) : [],
        };
        ports.push(binding);
        if (!isRouter) inputs.built?.(p, binding);
      }
      if (!p.enabled) continue;
      flood.push(p.name);
      if (!isRouter) floodL2.push(p.name);
      if (p.hasUnknown) unknown.push(p.name);
      const m = switchPortMcast(p, relay);
      if (m.mrouter) mrouter.push(p.name);
      if (m.static) mcStatic.push(p.name);
    }
    const mc = (name: McGroupName, members: string[]) => {
      if (members.length)
        multicastGroups.push({ datapath: d.uuid, name, tunnelKey: MC_KEYS[name], ports: members.sort() });
    };
    mc('_MC_flood', flood);
    mc('_MC_unknown', unknown);
    mc('_MC_flood_l2', floodL2);
    mc('_MC_mrouter_flood', mrouter);
    mc('_MC_static', mcStatic);
  }
  // Routers flooding multicast statically on some ports (router-mcast.ts).
  for (const d of dps) {
    if (d.kind !== 'router' || !dpKeys.has(d.uuid)) continue;
    const members = mcastFloodPorts(d).map((p) => p.name);
    if (members.length)
      multicastGroups.push({
        datapath: d.uuid,
        name: '_MC_static',
        tunnelKey: MC_KEYS._MC_static,
        ports: members.sort(),
      });
  }
  return { datapaths, ports, multicastGroups, dpKeys, portKeys };
}

/**
 * A chassisredirect port's options: it always redirects unless the router has distributed floating IPs,
 * the peer switch has VTEP ports, or options:redirect-type is "bridged" (which it also publishes).
 */
function redirectOptions(p: RouterPort, distributedNat: boolean): Record<string, string> {
  const options: Record<string, string> = { 'distributed-port': p.name };
  const redirectType = p.nb.options['redirect-type'];
  if (redirectType !== undefined) options['redirect-type'] = redirectType;
  if (!distributedNat && !hasVtepPeer(p) && redirectType !== 'bridged') options['always-redirect'] = 'true';
  return options;
}

/** LSP external_ids, plus `name` from `neutron:port_name` as 23.03 publishes it. */
function lspExternalIds(ext: Readonly<Record<string, string>>): Record<string, string> {
  const out = { ...ext };
  const name = ext['neutron:port_name'];
  if (name) out['name'] = name;
  return out;
}

function tableOf(p: Port): string {
  return p.kind === 'lsp' ? 'Logical_Switch_Port' : 'Logical_Router_Port';
}

/** Requested keys first, then keys already in the SB, then sequential allocation for the rest. */
function assignKeys<T>(
  items: readonly T[],
  id: (t: T) => string,
  requested: (t: T) => number | null,
  existing: (t: T) => number | undefined,
  alloc: KeyAllocator,
  out: Map<string, number>,
  onExhausted: (t: T) => void,
  onRequestedUnavailable: (t: T, k: number) => void,
): void {
  const pending: T[] = [];
  for (const t of items) {
    const r = requested(t);
    if (r === null) continue;
    if (alloc.claim(r)) out.set(id(t), r);
    else onRequestedUnavailable(t, r);
  }
  for (const t of items) {
    if (out.has(id(t))) continue;
    const e = existing(t);
    if (e !== undefined && alloc.claim(e)) out.set(id(t), e);
    else pending.push(t);
  }
  for (const t of pending) {
    const k = alloc.allocate();
    if (k === null) onExhausted(t);
    else out.set(id(t), k);
  }
}

/**
 * Datapath_Binding.external_ids: the NB row and its name (and the CMS's second name), plus what a
 * chassis reads from it: a switch's interconnection transit tag, a router's default SNAT conntrack zone
 * and whether it learns from every ARP request.
 */
export function datapathExternalIds(
  d: Pick<SwitchDatapath, 'kind' | 'uuid' | 'name' | 'nb'> | Pick<RouterDatapath, 'kind' | 'uuid' | 'name' | 'nb'>,
): Record<string, string> {
  if (d.kind === 'switch') {
    const ids: Record<string, string> = { 'logical-switch': d.uuid, name: d.name };
    const name2 = d.nb.external_ids['neutron:network_name'];
    if (name2) ids['name2'] = name2;
    const ts = d.nb.other_config['interconn-ts'];
    if (ts !== undefined) ids['interconn-ts'] = ts;
    return ids;
  }
  const ids: Record<string, string> = { 'logical-router': d.uuid, name: d.name };
  const name2 = d.nb.external_ids['neutron:router_name'];
  if (name2) ids['name2'] = name2;
  const zone = d.nb.options['snat-ct-zone'];
  if (zone !== undefined && /^\s*[-+]?\d+$/.test(zone) && Number(zone) >= 0) ids['snat-ct-zone'] = String(Number(zone));
  if (!alwaysLearnFromArpRequest(d.nb)) ids['always_learn_from_arp_request'] = 'false';
  return ids;
}
