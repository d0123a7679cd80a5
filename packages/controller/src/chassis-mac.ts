// Distributed routing over a physical network (pure): "chassis MACs" (Open_vSwitch external_ids
// ovn-chassis-mac-mappings, published in Chassis.other_config) and redirect-type=bridged gateway ports.
//  - A routed packet leaving through a localnet port carries this chassis's MAC instead of the router port's
//    (table 65, priority 150), so the physical switches never see one router MAC behind many hypervisors.
//  - A packet arriving on a localnet port from another chassis's MAC gets the router port's MAC back
//    (table 0, priority 180: a two-clause conjunction of "source is a remote chassis MAC" and the VLAN).
//  - Output to a gateway port (chassisredirect) resident elsewhere with redirect-type=bridged goes over the
//    gateway's switch localnet port instead of a tunnel (table 40).
import { type Action, type FieldName, type Flow, type MatchEntry, load, m, sub } from '@ovnts/openflow';
import { OFTABLE, REG } from '@ovnts/expr';
import { parseMac } from '@ovnts/net';
import type { Chassis, DatapathBinding, PortBinding } from '@ovnts/schema/sb';
import type { LocalView, SbSnapshot } from './view.js';
import { uuidCookie } from './view.js';
import { dnatKey, snatKey } from './zones.js';

/** The conjunction id of the table 0 chassis-MAC match (ovn-controller uses the same constant). */
export const CHASSIS_MAC_CONJ_ID = 100;

const reg = (n: number) => `reg${n}` as FieldName;
const macValue = (mac: string): bigint => parseMac(mac) ?? 0n;

/** "physnet1:aa:bb:cc:dd:ee:01,physnet2:…" → network → MAC; malformed entries are skipped. */
export function parseChassisMacMappings(s: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of (s ?? '').split(',')) {
    const i = item.indexOf(':');
    if (i <= 0) continue;
    const mac = item.slice(i + 1).trim();
    if (parseMac(mac) !== null) out.set(item.slice(0, i).trim(), mac);
  }
  return out;
}

/** The first MAC of a port binding's `mac` column ("MAC [IP…]"). */
function firstMac(pb: PortBinding): string | undefined {
  const mac = pb.mac?.[0]?.split(/\s+/)[0];
  return mac !== undefined && parseMac(mac) !== null ? mac : undefined;
}

export interface BridgedContext {
  readonly view: LocalView;
  readonly sb: SbSnapshot;
  zone(key: string): number;
}

/** Router ports peered with a switch's patch ports (upstream: the local datapath's peer ports). */
function peerRouterPorts(view: LocalView, ls: DatapathBinding): PortBinding[] {
  const out: PortBinding[] = [];
  for (const p of view.portsByDp.get(ls._uuid) ?? []) {
    if (p.type !== 'patch') continue;
    const rp = view.pbByName.get(p.options['peer'] ?? '');
    if (rp && view.localDps.has(rp.datapath)) out.push(rp);
  }
  return out;
}

function residentHere(view: LocalView, name: string): boolean {
  const pb = view.pbByName.get(name);
  return !!pb && !!view.chassis && pb.chassis === view.chassis._uuid;
}

function vlanMatch(tag: number): MatchEntry {
  return tag ? m('vlan_tci', 0x1000 | tag, 0x1fff) : m('vlan_tci', 0, 0x1000);
}

/** All the flows above for this chassis. */
export function bridgedFlows(ctx: BridgedContext): Flow[] {
  const { view, sb } = ctx;
  const out: Flow[] = [];
  const me = view.chassis;
  const myMacs = parseChassisMacMappings(me?.other_config?.['ovn-chassis-mac-mappings']);

  // Table 0, clause 1: the source is another chassis's MAC (any network).
  const remote = new Map<string, Chassis>();
  for (const c of sb.Chassis.values()) {
    if (c._uuid === me?._uuid) continue;
    for (const mac of parseChassisMacMappings(c.other_config?.['ovn-chassis-mac-mappings']).values())
      if (!remote.has(mac)) remote.set(mac, c);
  }
  for (const [mac, c] of remote)
    out.push({
      table: OFTABLE.phyToLog,
      priority: 180,
      cookie: uuidCookie(c._uuid),
      match: [m('eth_src', macValue(mac))],
      actions: [{ type: 'conjunction', id: CHASSIS_MAC_CONJ_ID, clause: 1, nClauses: 2 }],
    });

  const vlanClauses = new Set<number>();
  for (const [lnUuid, ofport] of view.localnet) {
    const ln = sb.Port_Binding.get(lnUuid);
    const ls = ln ? view.localDps.get(ln.datapath) : undefined;
    if (!ln || !ls) continue;
    const tag = ln.tag ?? 0;
    const cookie = uuidCookie(ln._uuid);
    const routers = peerRouterPorts(view, ls).filter((rp) => firstMac(rp) !== undefined);
    // Table 0: from a remote chassis MAC on this localnet port → the router port's MAC, into the switch.
    const first = routers[0];
    if (first) {
      if (!vlanClauses.has(tag)) {
        vlanClauses.add(tag);
        out.push({
          table: OFTABLE.phyToLog,
          priority: 180,
          cookie,
          match: [vlanMatch(tag)],
          actions: [{ type: 'conjunction', id: CHASSIS_MAC_CONJ_ID, clause: 2, nClauses: 2 }],
        });
      }
      out.push({
        table: OFTABLE.phyToLog,
        priority: 180,
        cookie,
        match: [m('in_port', ofport), m('conj_id', CHASSIS_MAC_CONJ_ID), vlanMatch(tag)],
        actions: [
          ...(tag ? [{ type: 'pop_vlan' } as const] : []),
          load(sub(reg(REG.dnatZone), 0, 32), ctx.zone(dnatKey(ls._uuid))),
          load(sub(reg(REG.snatZone), 0, 32), ctx.zone(snatKey(ls._uuid))),
          load(sub('metadata', 0, 64), ls.tunnel_key),
          load(sub(reg(REG.inport), 0, 32), ln.tunnel_key),
          { type: 'set_field', field: 'eth_src', value: macValue(firstMac(first)!) },
          { type: 'resubmit', table: OFTABLE.ingress },
        ],
      });
    }
    // Table 65: a router port's MAC leaving here becomes this chassis's MAC (restored after the output).
    const chassisMac = myMacs.get(ln.options['network_name'] ?? '');
    if (!chassisMac) continue;
    const ethertype = ln.options['ethtype'] === '802.1ad' ? 0x88a8 : 0x8100;
    for (const rp of routers) {
      if (residentHere(view, `cr-${rp.logical_port}`)) continue;
      const routerMac = macValue(firstMac(rp)!);
      const actions: Action[] = [
        { type: 'set_field', field: 'eth_src', value: macValue(chassisMac) },
        ...(tag
          ? ([
              { type: 'push_vlan', ethertype },
              { type: 'set_field', field: 'vlan_vid', value: BigInt(0x1000 | tag) },
            ] as const)
          : []),
        { type: 'output', port: ofport },
        { type: 'set_field', field: 'eth_src', value: routerMac },
        ...(tag ? [{ type: 'pop_vlan' } as const] : []),
      ];
      out.push({
        table: OFTABLE.logToPhy,
        priority: 150,
        cookie,
        match: [m(reg(REG.outport), ln.tunnel_key), m('metadata', ls.tunnel_key), m('eth_src', routerMac)],
        actions,
      });
    }
  }

  // Table 40: a bridged gateway port on another chassis is reached through its switch's localnet port.
  for (const [dpUuid, dp] of view.localDps)
    for (const cr of view.portsByDp.get(dpUuid) ?? []) {
      const flow = bridgedRedirect(view, dp, cr);
      if (flow) out.push(flow);
    }
  return out;
}

/** Whether output to this port uses the bridged redirect instead of a tunnel. */
export function isBridgedRemoteRedirect(view: LocalView, pb: PortBinding): boolean {
  return (
    pb.type === 'chassisredirect' &&
    (pb.options['redirect-type'] ?? '').toLowerCase() === 'bridged' &&
    !!pb.chassis &&
    pb.chassis !== view.chassis?._uuid
  );
}

function bridgedRedirect(view: LocalView, dp: DatapathBinding, cr: PortBinding): Flow | undefined {
  if (!isBridgedRemoteRedirect(view, cr)) return undefined;
  const mac = firstMac(cr);
  const dist = cr.options['distributed-port'];
  if (!mac || !dist) return undefined;
  // The switch whose patch port peers with the distributed router port, and its localnet port here.
  let ls: DatapathBinding | undefined;
  for (const p of view.portsByDp.get(dp._uuid) ?? []) {
    if (p.type !== 'patch') continue;
    const sp = view.pbByName.get(p.options['peer'] ?? '');
    if (sp && sp.options['peer'] === dist) ls = view.localDps.get(sp.datapath);
  }
  if (!ls) return undefined;
  const ln = (view.portsByDp.get(ls._uuid) ?? []).find((p) => p.type === 'localnet' && view.localnet.has(p._uuid));
  if (!ln) return undefined;
  return {
    table: OFTABLE.localOutput,
    priority: 100,
    cookie: uuidCookie(cr._uuid),
    match: [m(reg(REG.outport), cr.tunnel_key), m('metadata', dp.tunnel_key)],
    actions: [
      { type: 'set_field', field: 'eth_src', value: macValue(mac) },
      load(sub('metadata', 0, 64), ls.tunnel_key),
      load(sub(reg(REG.outport), 0, 32), ln.tunnel_key),
      { type: 'resubmit', table: OFTABLE.logToPhy },
    ],
  };
}
