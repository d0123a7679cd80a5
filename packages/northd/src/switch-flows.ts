// Logical switch pipelines (OVN 23.03 layout): admission and port security hooks, the stateful skeleton
// every stage needs when no ACL/LB is configured, ARP/ND responder, L2 lookup and unknown-MAC handling.
// Port security itself is enforced by ovn-controller from Port_Binding.port_security
// (check_in_port_sec()/check_out_port_sec()), so no per-address port-security flows are generated here.
import { formatIpv6, parseIpv6, solicitedNode } from './addresses.js';
import type { AddFlow, LflowTable } from './lflow-table.js';
import { stage, type StageName } from './stages.js';
import { NO_CONNTRACK, type ConntrackFlags } from './stateful/switch-config.js';
import { redirectPortOf, redirectPorts, residentRedirectPort } from './stateful/gateway-bindings.js';
import { ssetOrder } from './ovs-hash-order.js';
import type { SwitchDatapath, SwitchPort } from './topology.js';
import { buildSwitchMcastFlows } from './switch-mcast.js';

const q = (name: string) => JSON.stringify(name);
const DROP = 'drop;';

/** Stages that only pass packets on when nothing stateful is configured on the switch. */
const PASS_THROUGH: readonly StageName[] = [
  'ls_in_qos_mark',
  'ls_in_qos_meter',
  'ls_in_lb_aff_check',
  'ls_in_lb',
  'ls_in_lb_aff_learn',
  'ls_in_pre_hairpin',
  'ls_in_nat_hairpin',
  'ls_in_hairpin',
  'ls_in_dhcp_options',
  'ls_in_dhcp_response',
  'ls_in_dns_lookup',
  'ls_in_dns_response',
  'ls_in_external_port',
  'ls_out_qos_mark',
  'ls_out_qos_meter',
];

const ND_MLD = 'nd || nd_rs || nd_ra || mldv1 || mldv2';
const ND_MLD_ACL = 'nd || nd_ra || nd_rs || mldv1 || mldv2';

/** Whether every port the switch names is a router port (ARP for a router address then need not flood). */
export function onlyRouterPortsOf(sw: SwitchDatapath): boolean {
  return sw.routerPorts.length === sw.nb.ports.length;
}

/** The switch's flows that are not one port's own (the per-port part is buildSwitchPortFlows). */
export function buildSwitchCoreFlows(sw: SwitchDatapath, t: LflowTable, ct: ConntrackFlags = NO_CONNTRACK): void {
  const dp = sw.uuid;
  const add: Add = (st, prio, match, actions, ioPort, copp) => t.add(dp, st, prio, match, actions, ioPort, copp);

  // Admission: no logical VLANs, no multicast sources, then the controller-side port security check.
  if (sw.nb.other_config['vlan-passthru'] !== 'true') add('ls_in_check_port_sec', 100, 'vlan.present', DROP);
  add('ls_in_check_port_sec', 100, 'eth.src[40]', DROP);
  add('ls_in_check_port_sec', 50, '1', 'reg0[15] = check_in_port_sec(); next;');
  add('ls_in_apply_port_sec', 50, 'reg0[15] == 1', DROP);
  add('ls_in_apply_port_sec', 0, '1', 'next;');

  add('ls_in_lookup_fdb', 0, '1', 'next;');
  add('ls_in_put_fdb', 0, '1', 'next;');

  // Pre-ACL / pre-LB / pre-stateful skeleton (stateful services come with ACLs and LBs).
  add('ls_in_pre_acl', 110, 'eth.dst == $svc_monitor_mac', 'next;');
  add('ls_in_pre_acl', 0, '1', 'next;');
  add('ls_out_pre_acl', 110, 'eth.src == $svc_monitor_mac', 'next;');
  add('ls_out_pre_acl', 0, '1', 'next;');

  add('ls_in_pre_lb', 110, 'eth.dst == $svc_monitor_mac', 'next;');
  add('ls_in_pre_lb', 110, 'eth.mcast', 'next;');
  add('ls_in_pre_lb', 110, ND_MLD, 'next;');
  add('ls_in_pre_lb', 110, 'reg0[16] == 1', 'next;');
  add('ls_in_pre_lb', 0, '1', 'next;');
  add('ls_out_pre_lb', 110, 'eth.mcast', 'next;');
  add('ls_out_pre_lb', 110, 'eth.src == $svc_monitor_mac', 'next;');
  add('ls_out_pre_lb', 110, ND_MLD, 'next;');
  add('ls_out_pre_lb', 110, 'reg0[16] == 1', 'next;');
  add('ls_out_pre_lb', 0, '1', 'next;');
  // Router and localnet ports skip conntrack: their traffic's state lives elsewhere (localnet
  // traffic is tracked when it may be load-balanced).
  for (const p of sw.ports) {
    if (p.type !== 'router' && (p.type !== 'localnet' || ct.hasLbVip)) continue;
    add('ls_in_pre_lb', 110, `ip && inport == ${q(p.name)}`, 'next;', p.name);
    add('ls_out_pre_lb', 110, `ip && outport == ${q(p.name)}`, ct.hasStatefulAcl ? 'next;' : 'ct_clear; next;', p.name);
  }

  for (const st of ['ls_in_pre_stateful', 'ls_out_pre_stateful'] as const) {
    add(st, 110, 'reg0[2] == 1', `${ct.ct.lb};`);
    add(st, 100, 'reg0[0] == 1', 'ct_next;');
    add(st, 0, '1', 'next;');
  }
  if (!ct.hasAcls && !ct.hasLbVip) {
    add('ls_in_acl_hint', 65535, '1', 'next;');
    add('ls_out_acl_hint', 65535, '1', 'next;');
    add('ls_in_acl', 65535, '1', 'next;');
    add('ls_out_acl', 65535, '1', 'next;');
  }
  add('ls_in_acl', 65532, ND_MLD_ACL, 'next;');
  add('ls_out_acl', 65532, ND_MLD_ACL, 'next;');
  add('ls_in_acl_after_lb', 65532, ND_MLD_ACL, 'next;');
  for (const st of ['ls_in_stateful', 'ls_out_stateful'] as const) {
    const blocked = `${ct.ct.flags}.blocked`;
    add(st, 100, 'reg0[1] == 1 && reg0[13] == 0', `ct_commit { ${blocked} = 0; }; next;`);
    add(st, 100, 'reg0[1] == 1 && reg0[13] == 1', `ct_commit { ${blocked} = 0; ct_label.label = reg3; }; next;`);
    add(st, 0, '1', 'next;');
  }
  for (const st of PASS_THROUGH) add(st, 0, '1', 'next;');

  buildVtepHairpin(sw, add);

  add('ls_in_arp_rsp', 0, '1', 'next;');
  add(
    'ls_in_l2_lkup',
    110,
    'eth.dst == $svc_monitor_mac && (tcp || icmp || icmp6)',
    'handle_svc_check(inport);',
    undefined,
    'svc-monitor',
  );
  buildSwitchMcastFlows(sw, add);
  add('ls_in_l2_lkup', 70, 'eth.mcast', 'outport = "_MC_flood"; output;');
  add('ls_in_l2_lkup', 0, '1', 'outport = get_fdb(eth.dst); next;');
  const hasUnknown = sw.ports.some((p) => p.hasUnknown && p.enabled);
  add('ls_in_l2_unknown', 50, 'outport == "none"', hasUnknown ? 'outport = "_MC_unknown"; output;' : DROP);
  add('ls_in_l2_unknown', 0, '1', 'output;');

  // Egress port security hooks.
  add('ls_out_check_port_sec', 100, 'eth.mcast', 'reg0[15] = 0; next;');
  add('ls_out_check_port_sec', 0, '1', 'reg0[15] = check_out_port_sec(); next;');
  add('ls_out_apply_port_sec', 50, 'reg0[15] == 1', DROP);
  add('ls_out_apply_port_sec', 0, '1', 'output;');
}

/** `ioPort`: the port the flow is about (SB tags:in_out_port, as ovn-northd's "with lport" flows). */
type Add = AddFlow;

/**
 * Traffic from a vtep (ramp) port goes straight to the L2 lookup, except to a distributed gateway
 * port on its own chassis, which may have to answer ARP/ND for it.
 */
function buildVtepHairpin(sw: SwitchDatapath, add: Add): void {
  if (!sw.ports.some((p) => p.type === 'vtep')) return;
  add('ls_in_hairpin', 1000, 'reg0[14] == 1', `next(pipeline=ingress, table=${stage('ls_in_l2_lkup').table});`);
  for (const rp of sw.routerPorts) {
    const cr = rp.peer ? redirectPortOf(rp.peer) : null;
    if (cr) add('ls_in_hairpin', 2000, `reg0[14] == 1 && is_chassis_resident(${q(cr)})`, 'next;');
  }
}

/**
 * An enabled port's own admission: a vtep port's traffic skips the ingress pipeline up to the hairpin
 * stage (reg0[14]: it came from a ramp switch); a port with a qdisc queue (options:qdisc_queue_id, the
 * value its Port_Binding carries) is queued, and a localnet one on egress too.
 */
function buildPortAdmission(p: SwitchPort, add: Add): void {
  const inp = q(p.name);
  // A router port's binding carries no NB options.
  const queueId = p.type === 'router' ? undefined : p.nb.options['qdisc_queue_id'];
  const setQueue = queueId !== undefined ? `set_queue(${queueId}); ` : '';
  if (p.type === 'vtep') {
    add(
      'ls_in_check_port_sec',
      70,
      `inport == ${inp}`,
      `${setQueue}reg0[14] = 1; next(pipeline=ingress, table=${stage('ls_in_hairpin').table});`,
      p.name,
    );
  } else if (queueId !== undefined) {
    add('ls_in_check_port_sec', 70, `inport == ${inp}`, `${setQueue}reg0[15] = check_in_port_sec(); next;`, p.name);
    if (p.type === 'localnet') add('ls_out_apply_port_sec', 100, `outport == ${inp}`, `${setQueue}output;`, p.name);
  }
}

/**
 * One port's own flows. For any port but a router port they depend on its NB row alone (`onlyRouterPorts`
 * is false whenever a non-router port exists and `ct` is only read for router peers), so the engine
 * keeps them per row.
 */
/** `checkUp`: a port that is not up gets no ARP/ND answers (NB_Global options:ignore_lsp_down=false). */
export function buildSwitchPortFlows(
  p: SwitchPort,
  onlyRouterPorts: boolean,
  add: Add,
  ct: ConntrackFlags,
  checkUp = false,
): void {
  if (p.type === 'external') return;
  const inp = q(p.name);

  if (!p.enabled) {
    add('ls_in_check_port_sec', 100, `inport == ${inp}`, 'reg0[15] = 1; next;', p.name);
    add('ls_in_l2_unknown', 50, `outport == ${inp}`, DROP, p.name);
  } else {
    buildPortAdmission(p, add);
  }

  // MAC learning for ports with unknown addresses and no port security (a localnet port only on request).
  const learns = p.type === '' || (p.type === 'localnet' && p.nb.options['localnet_learn_fdb'] === 'true');
  if (p.hasUnknown && p.nb.port_security.length === 0 && learns) {
    add('ls_in_lookup_fdb', 100, `inport == ${inp}`, 'reg0[11] = lookup_fdb(inport, eth.src); next;', p.name);
    add('ls_in_put_fdb', 100, `inport == ${inp} && reg0[11] == 0`, 'put_fdb(inport, eth.src); next;', p.name);
  }

  // ARP/ND responder.
  if (p.type === 'localnet') add('ls_in_arp_rsp', 100, `inport == ${inp}`, 'next;', p.name);
  const down = checkUp && p.nb.up !== true && p.type !== 'router' && p.type !== 'localport';
  if (p.type !== 'virtual' && !p.hasUnknown && !down) {
    for (const a of p.addresses) {
      for (const ip of a.ipv4) {
        const m = `arp.tpa == ${ip} && arp.op == 1`;
        add(
          'ls_in_arp_rsp',
          50,
          m,
          `eth.dst = eth.src; eth.src = ${a.macS}; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.sha = ${a.macS}; arp.tpa = arp.spa; arp.spa = ${ip}; outport = inport; flags.loopback = 1; output;`,
        );
        // Let a port ARP for its own address (duplicate address detection) the usual way.
        add('ls_in_arp_rsp', 100, `${m} && inport == ${inp}`, 'next;', p.name);
      }
      for (const ip of a.ipv6) {
        const sn = formatIpv6(solicitedNode(parseIpv6(ip)!));
        const m = `nd_ns && ip6.dst == {${ip}, ${sn}} && nd.target == ${ip}`;
        const na = p.type === 'router' ? 'nd_na_router' : 'nd_na';
        add(
          'ls_in_arp_rsp',
          50,
          m,
          `${na} { eth.src = ${a.macS}; ip6.src = ${ip}; nd.target = ${ip}; nd.tll = ${a.macS}; outport = inport; flags.loopback = 1; output; };`,
          undefined,
          'nd-na',
        );
        add('ls_in_arp_rsp', 100, `${m} && inport == ${inp}`, 'next;', p.name);
      }
    }
  }

  // L2 lookup.
  const toPort = p.enabled ? `outport = ${inp}; output;` : DROP;
  if (p.type === 'router') {
    const rp = p.peer;
    if (rp && rp.enabled) {
      // ARP/NS for the router's own addresses go to the router port (and still flood L2 for the others).
      const action = onlyRouterPorts
        ? `outport = ${inp}; output;`
        : `clone {outport = ${inp}; output; }; outport = "_MC_flood_l2"; output;`;
      for (const n of rp.ipv4)
        add('ls_in_l2_lkup', 80, `flags[1] == 0 && arp.op == 1 && arp.tpa == ${n.addrS}`, action);
      for (const n of rp.ipv6) add('ls_in_l2_lkup', 80, `flags[1] == 0 && nd_ns && nd.target == ${n.addrS}`, action);
      if (!onlyRouterPorts) {
        // ovn-northd walks these MACs as a hashed set.
        const macs = ssetOrder([rp.macS, ...(ct.routerNatMacs.get(rp.dp.uuid) ?? [])]).join(', ');
        add(
          'ls_in_l2_lkup',
          75,
          `eth.src == {${macs}} && (arp.op == 1 || rarp.op == 3 || nd_ns)`,
          'outport = "_MC_flood_l2"; output;',
        );
      }
    }
  }
  // With a localnet port on this switch, a distributed gateway port's MAC is only reachable on its gateway chassis.
  const cr = p.type === 'router' && p.peer ? residentRedirectPort(p.peer, redirectPorts(p.peer.dp), p.dp) : null;
  const res = cr ? ` && is_chassis_resident(${q(cr)})` : '';
  for (const a of p.addresses) add('ls_in_l2_lkup', 50, `eth.dst == ${a.macS}${res}`, toPort);
}
