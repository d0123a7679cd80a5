// Acceptance for @ovnts/offload against the real datapath: a topology built with the real OVN stack (L2 with
// an LB, routed through a router to a switch with allow-related ACLs, a gateway port with SNAT through a
// localnet and gateway_mtu), then for every traffic class the pass builds, the real ovs-vswitchd is asked
// (`ofproto/trace --ct-next`) for its megaflow datapath actions; judging those must give the same verdict and
// reason as the pass, which works only from the OpenFlow dump + SB rows.
import { writeFileSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';
import { runOk, useSandbox, type Chassis } from '@ovnts/test-harness';
import {
  analyze,
  classPathFor,
  CLASS_IDS,
  CT_SCENARIOS,
  formatReportJson,
  formatReportTable,
  nbFromDump,
  whatIf,
  getProfile,
  judgeScenario,
  parseDump,
  parseTrace,
  PROFILE_IDS,
  reasonKey,
  runOffloadReport,
  sbContextFromJson,
  SB_TABLES,
  type ClassPath,
  type ClassReport,
  type ClassVerdict,
  type CtScenario,
  type DpPass,
  type OffloadReport,
} from '@ovnts/offload';
import { oracle } from './offload-oracle.js';

describe('offload pass vs the real datapath (ofproto/trace)', () => {
  const sandbox = useSandbox();
  let hv: Chassis;
  let report: OffloadReport;
  let sbRemote: string;
  let of10Same = false;
  let nbDump = '';

  beforeAll(async () => {
    const sb = sandbox();
    const { nb, sb: sbdb } = await sb.startCentral();
    sbRemote = sbdb.remotes.unix;
    await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
    const nbctl = (...a: string[]) => sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, ...a]);
    const lsp = (ls: string, name: string, addr: string) => [
      '--',
      'lsp-add',
      ls,
      name,
      '--',
      'lsp-set-addresses',
      name,
      addr,
    ];
    const routerPort = (ls: string, lrp: string) => [
      '--',
      'lsp-add',
      ls,
      `${ls}-lr1`,
      '--',
      'lsp-set-type',
      `${ls}-lr1`,
      'router',
      '--',
      'lsp-set-addresses',
      `${ls}-lr1`,
      'router',
      '--',
      'lsp-set-options',
      `${ls}-lr1`,
      `router-port=${lrp}`,
    ];
    // One transaction-ish batch per concern keeps northd's recomputes few.
    await nbctl(
      'ls-add',
      'ls1',
      ...lsp('ls1', 'vm1', '02:ac:10:ff:00:11 192.168.100.10'),
      ...lsp('ls1', 'vm2', '02:ac:10:ff:00:22 192.168.100.11'),
      '--',
      'ls-add',
      'ls2',
      ...lsp('ls2', 'vm3', '02:ac:10:ff:00:33 192.168.200.10'),
      ...lsp('ls2', 'vm7', '02:ac:10:ff:00:77 192.168.200.17'),
      '--',
      'lr-add',
      'lr1',
      '--',
      'lrp-add',
      'lr1',
      'lr1-ls1',
      '02:ac:10:ff:00:01',
      '192.168.100.1/24',
      '--',
      'lrp-add',
      'lr1',
      'lr1-ls2',
      '02:ac:10:ff:00:02',
      '192.168.200.1/24',
      ...routerPort('ls1', 'lr1-ls1'),
      ...routerPort('ls2', 'lr1-ls2'),
      '--',
      'lrp-add',
      'lr1',
      'lr1-pub',
      '02:ac:10:ff:00:03',
      '172.16.0.1/24',
      '--',
      'set',
      'Logical_Router_Port',
      'lr1-pub',
      'options:gateway_mtu=1400',
      '--',
      'ls-add',
      'pub',
      ...routerPort('pub', 'lr1-pub'),
      '--',
      'lsp-add',
      'pub',
      'pub-ln',
      '--',
      'lsp-set-type',
      'pub-ln',
      'localnet',
      '--',
      'lsp-set-addresses',
      'pub-ln',
      'unknown',
      '--',
      'lsp-set-options',
      'pub-ln',
      'network_name=phyNet',
    );
    // A stateless switch (no LB, no ACL): plain L2 that every profile can offload.
    await nbctl(
      'ls-add',
      'ls3',
      ...lsp('ls3', 'vm5', '02:ac:10:ff:00:55 192.168.30.5'),
      ...lsp('ls3', 'vm6', '02:ac:10:ff:00:66 192.168.30.6'),
    );
    await nbctl(
      'lrp-set-gateway-chassis',
      'lr1-pub',
      'hv1',
      '--',
      'lsp-add',
      'ls1',
      'vm4',
      '--',
      'lsp-set-addresses',
      'vm4',
      '02:ac:10:ff:00:44 192.168.100.14',
    );
    // To ls2's VMs only TCP 8080 (and 22 to vm3) is allowed; other TCP is dropped, so the ACL class must find 8080.
    await nbctl('acl-add', 'ls2', 'to-lport', '1000', 'ip4 && tcp.dst == 8080', 'allow-related');
    await nbctl('acl-add', 'ls2', 'to-lport', '1000', 'outport == "vm3" && tcp.dst == 22', 'allow-related');
    await nbctl('acl-add', 'ls2', 'to-lport', '900', 'ip4 && tcp', 'drop');
    await nbctl('acl-add', 'ls2', 'from-lport', '1000', 'ip4', 'allow-related');
    await nbctl(
      'lb-add',
      'lb1',
      '192.168.100.100:80',
      '192.168.100.11:80,192.168.200.10:80',
      'tcp',
      '--',
      'ls-lb-add',
      'ls1',
      'lb1',
    );
    // The documented alternative: selection_fields makes OVN use selection_method=hash (no datapath hash).
    await nbctl(
      'lb-add',
      'lb2',
      '192.168.100.200:80',
      '192.168.100.11:80,192.168.200.10:80',
      'tcp',
      '--',
      'set',
      'Load_Balancer',
      'lb2',
      'selection_fields=ip_src,ip_dst,tp_src,tp_dst',
      '--',
      'ls-lb-add',
      'ls1',
      'lb2',
    );
    await nbctl('lr-nat-add', 'lr1', 'snat', '172.16.0.1', '192.168.100.0/24');
    // DHCP served by ovn-controller for vm1 (put_dhcp_opts → controller), not for vm2 (plain broadcast).
    const dhcp =
      (await nbctl('dhcp-options-create', '192.168.100.0/24')).trim() ||
      (await nbctl('--bare', '--columns=_uuid', 'find', 'DHCP_Options', 'cidr="192.168.100.0/24"')).trim();
    await nbctl(
      'dhcp-options-set-options',
      dhcp,
      'server_id=192.168.100.1',
      'server_mac=02:ac:10:ff:00:01',
      'lease_time=3600',
      'router=192.168.100.1',
    );
    await nbctl('lsp-set-dhcpv4-options', 'vm1', dhcp);
    await nbctl('static-mac-binding-add', 'lr1-pub', '172.16.0.50', '02:00:00:00:00:50');
    // North-south through a gateway router (bound to hv1): SNAT for ls4, a floating IP (dnat_and_snat) for vm8,
    // out through a second localnet on the same physical network, no gateway_mtu.
    await nbctl(
      'ls-add',
      'ls4',
      ...lsp('ls4', 'vm8', '02:ac:10:ff:00:88 192.168.40.8'),
      '--',
      'lr-add',
      'gw1',
      '--',
      'set',
      'Logical_Router',
      'gw1',
      'options:chassis=hv1',
      '--',
      'lrp-add',
      'gw1',
      'gw1-ls4',
      '02:ac:10:ff:00:41',
      '192.168.40.1/24',
      '--',
      'lrp-add',
      'gw1',
      'gw1-ext',
      '02:ac:10:ff:00:42',
      '172.17.0.1/24',
      '--',
      'lsp-add',
      'ls4',
      'ls4-gw1',
      '--',
      'lsp-set-type',
      'ls4-gw1',
      'router',
      '--',
      'lsp-set-addresses',
      'ls4-gw1',
      'router',
      '--',
      'lsp-set-options',
      'ls4-gw1',
      'router-port=gw1-ls4',
      '--',
      'ls-add',
      'ext2',
      '--',
      'lsp-add',
      'ext2',
      'ext2-gw1',
      '--',
      'lsp-set-type',
      'ext2-gw1',
      'router',
      '--',
      'lsp-set-addresses',
      'ext2-gw1',
      'router',
      '--',
      'lsp-set-options',
      'ext2-gw1',
      'router-port=gw1-ext',
      '--',
      'lsp-add',
      'ext2',
      'ext2-ln',
      '--',
      'lsp-set-type',
      'ext2-ln',
      'localnet',
      '--',
      'lsp-set-addresses',
      'ext2-ln',
      'unknown',
      '--',
      'lsp-set-options',
      'ext2-ln',
      'network_name=phyNet',
    );
    await nbctl('lr-nat-add', 'gw1', 'snat', '172.17.0.1', '192.168.40.0/24');
    await nbctl('lr-nat-add', 'gw1', 'dnat_and_snat', '172.17.0.100', '192.168.40.8');
    await nbctl('static-mac-binding-add', 'gw1-ext', '172.17.0.50', '02:00:00:00:00:51');
    hv = await sb.startChassis({ sbRemote: sbdb.remotes.unix, bridgeMappings: 'phyNet:br-phys', encapIp: '10.99.0.1' });
    // br-phys doubles as the underlay: the encap IP lives on it, so the userspace datapath can tnl_push.
    await hv.vsctl(
      'add-br',
      'br-phys',
      '--',
      'set',
      'bridge',
      'br-phys',
      'datapath_type=netdev',
      '--',
      'add-port',
      'br-phys',
      'up0',
      '--',
      'set',
      'Interface',
      'up0',
      'type=internal',
    );
    await runOk('ip', ['-n', hv.netns, 'addr', 'add', '10.99.0.1/24', 'dev', 'br-phys']);
    await runOk('ip', ['-n', hv.netns, 'link', 'set', 'br-phys', 'up']);
    const hv2 = await sb.startChassis({ sbRemote: sbdb.remotes.unix, name: 'hv2', encapIp: '10.99.0.2' });
    await hv.startRealController();
    await hv2.startRealController();
    await hv2.addVm('vm4', '02:ac:10:ff:00:44', '192.168.100.14/24', '192.168.100.1');
    await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24', '192.168.100.1');
    await hv.addVm('vm2', '02:ac:10:ff:00:22', '192.168.100.11/24', '192.168.100.1');
    await hv.addVm('vm3', '02:ac:10:ff:00:33', '192.168.200.10/24', '192.168.200.1');
    await hv.addVm('vm7', '02:ac:10:ff:00:77', '192.168.200.17/24', '192.168.200.1');
    await hv.addVm('vm5', '02:ac:10:ff:00:55', '192.168.30.5/24');
    await hv.addVm('vm6', '02:ac:10:ff:00:66', '192.168.30.6/24');
    await hv.addVm('vm8', '02:ac:10:ff:00:88', '192.168.40.8/24', '192.168.40.1');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=30', '--wait=hv', 'sync']);
    await hv.appctl('tnl/arp/set', 'br-phys', '10.99.0.2', '02:99:00:00:00:02');

    // What the pass gets: the OpenFlow dump (flows + groups) and SB rows, nothing else.
    const flows = await hv.ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt());
    const groups = await hv.ofctl('-O', 'OpenFlow15', 'dump-groups', hv.mgmt());
    const doc: Record<string, unknown> = {};
    for (const t of Object.keys(SB_TABLES))
      doc[t] = JSON.parse(await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '-f', 'json', 'list', t]));
    report = analyze({ dump: parseDump(`${flows}\n${groups}`), sb: sbContextFromJson(JSON.stringify(doc)) });
    // OFFLOAD_REPORT=<file>: keep the table for a human look.
    if (process.env['OFFLOAD_REPORT']) writeFileSync(process.env['OFFLOAD_REPORT'], formatReportTable(report));
    nbDump = await sb.runOk('ovsdb-client', ['-f', 'json', 'dump', nb.remotes.unix, 'OVN_Northbound']);
    if (process.env['OFFLOAD_NB_FIXTURE']) writeFileSync(process.env['OFFLOAD_NB_FIXTURE'], nbDump);
    // The same tables as an OpenFlow 1.0 dump (mod_* actions, NXM names) must give the same report.
    const of10 = await hv.ofctl('dump-flows', hv.mgmt());
    const again = analyze({ dump: parseDump(`${of10}\n${groups}`), sb: sbContextFromJson(JSON.stringify(doc)) });
    of10Same =
      JSON.stringify(again.classes.map((c) => c.verdicts)) === JSON.stringify(report.classes.map((c) => c.verdicts));
  });

  const CT_NEXT: Readonly<Record<CtScenario, string>> = { new: 'trk,new', est: 'trk,est', reply: 'trk,est,rpl' };

  const traces = new Map<string, string>();

  /** The real ofproto/trace output for a packet, with every conntrack lookup answering for `state`. */
  async function realTrace(flow: string, state: CtScenario): Promise<string> {
    const key = `${state} ${flow}`;
    let t = traces.get(key);
    if (t === undefined) {
      const ctNext = Array.from({ length: 6 }, () => ['--ct-next', CT_NEXT[state]]).flat();
      t = await hv.appctl('ofproto/trace', 'br-int', flow, ...ctNext);
      traces.set(key, t);
    }
    return t;
  }

  /** The real datapath's passes, parsed by the pass's own reader. */
  async function realPasses(flow: string, state: CtScenario): Promise<DpPass[]> {
    return parseTrace(await realTrace(flow, state));
  }

  it('what-if (NB only: northd compiler + controller computation, no OVS) gives the live verdicts', () => {
    const bindings = Object.fromEntries(
      ['vm1', 'vm2', 'vm3', 'vm5', 'vm6', 'vm7', 'vm8'].map((v) => [v, 'hv1']).concat([['vm4', 'hv2']]),
    );
    const w = whatIf({ ...nbFromDump(nbDump), chassis: 'hv1', bindings, bridgeMappings: { phyNet: 'br-phys' } });
    const what = analyze({ dump: w.dump, sb: w.sb });
    const key = (c: ClassReport, v: ClassVerdict, s: CtScenario) =>
      `${c.port} ${c.class}${c.target ? ` ${c.target}` : ''} ${v.profile} ${s}`;
    const flat = (r: OffloadReport) =>
      new Map(
        r.classes.flatMap((c) =>
          c.verdicts.flatMap((v) =>
            CT_SCENARIOS.flatMap((s) => (v[s] ? [[key(c, v, s), `${v[s].verdict} ${v[s].reason}`] as const] : [])),
          ),
        ),
      );
    const live = flat(report);
    const mine = flat(what);
    const diff = [...new Set([...live.keys(), ...mine.keys()])]
      .filter((k) => live.get(k) !== mine.get(k))
      .map((k) => `${k}: live ${live.get(k) ?? '-'} / what-if ${mine.get(k) ?? '-'}`);
    if (process.env['OFFLOAD_DEBUG'])
      writeFileSync('/tmp/offload-whatif.txt', `${w.warnings.join('\n')}\n${diff.join('\n')}\n`);
    // gateway_mtu is compiled (check_pkt_larger in lr_in_chk_pkt_len), so the oversize and SNAT-out paths through
    // lr1-pub are judged on the what-if tables too, and every verdict must agree.
    expect((w.sb.logicalFlows ?? []).some((f) => f.actions.includes('check_pkt_larger'))).toBe(true);
    expect(diff).toEqual([]);
    expect(live.size).toBeGreaterThan(300);
  });

  it('reads an OpenFlow 1.0 dump of the same tables to the same verdicts', () => {
    expect(of10Same).toBe(true);
  });

  it('builds every traffic class, each naming its packet', () => {
    expect(new Set(report.classes.map((c) => c.class))).toEqual(new Set(CLASS_IDS));
    const vm8 = report.classes.filter((c) => c.port === 'vm8').map((c) => c.class);
    expect(vm8).toEqual(expect.arrayContaining(['snat-out', 'dnat-in', 'unresolved-nexthop', 'icmp-router']));
    expect(report.classes.find((c) => c.port === 'vm8' && c.class === 'snat-out')!.description).toMatch(
      /via gateway router gw1, out ext2-ln, SNAT to 172\.17\.0\.100/,
    );
    // The ACL class goes to a peer and port the ACLs allow (ls2: to-lport tcp allow-related).
    expect(report.classes.find((c) => c.port === 'vm3' && c.class === 'acl-conntrack')!.description).toMatch(
      /→ vm7 tcp:8080 \(allowed by the ACLs\)/,
    );
    for (const c of report.classes) expect(c.traceFlow).toMatch(/in_port=\d+/);
  });

  it('run twice, the report is identical', async () => {
    const flows = await hv.ofctl('-O', 'OpenFlow15', 'dump-flows', hv.mgmt());
    const groups = await hv.ofctl('-O', 'OpenFlow15', 'dump-groups', hv.mgmt());
    const doc: Record<string, unknown> = {};
    for (const t of Object.keys(SB_TABLES))
      doc[t] = JSON.parse(await runOk('ovn-sbctl', [`--db=${sbRemote}`, '-f', 'json', 'list', t]));
    const again = analyze({ dump: parseDump(`${flows}\n${groups}`), sb: sbContextFromJson(JSON.stringify(doc)) });
    expect(formatReportJson(again)).toBe(formatReportJson(report));
    expect(formatReportTable(again)).toBe(formatReportTable(report));
  });

  it('acceptance: per class, scenario and profile, the verdict the oracle reads from ofproto/trace --ct-next', async () => {
    const mismatches: string[] = [];
    const seen = new Set<string>();
    let compared = 0;
    for (const c of report.classes) {
      for (const s of CT_SCENARIOS) {
        if (!c.path[s]) continue;
        const trace = await realTrace(s === 'reply' ? c.replyFlow! : c.traceFlow, s);
        for (const id of PROFILE_IDS) {
          const mine = c.verdicts.find((v) => v.profile === id)![s]!;
          const want = oracle(trace, id, s, c.class === 'oversize');
          compared++;
          seen.add(`${c.class}/${s}`);
          if (want.verdict !== mine.verdict || want.reason !== mine.reason)
            mismatches.push(
              `${c.port} ${c.class} ${s} ${id}: datapath ${want.verdict} "${want.reason}" vs pass ${mine.verdict} "${mine.reason}"`,
            );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Every class, new and established traced apart (and reply where the class has one).
    for (const id of CLASS_IDS) expect(seen.has(`${id}/est`), id).toBe(true);
    for (const k of ['l2', 'acl-conntrack', 'routed', 'lb-vip', 'snat-out', 'dnat-in'])
      expect(seen.has(`${k}/new`), k).toBe(true);
    for (const k of ['acl-conntrack', 'routed', 'snat-out', 'dnat-in']) expect(seen.has(`${k}/reply`), k).toBe(true);
    expect(compared).toBeGreaterThanOrEqual(4 * 60);
  });

  it('reaches the real datapath verdict and reason for every class, scenario and profile', async () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const c of report.classes) {
      const realPath: { -readonly [K in CtScenario]?: DpPass[] } = {};
      for (const s of CT_SCENARIOS)
        if (c.path[s]) realPath[s] = await realPasses(s === 'reply' ? c.replyFlow! : c.traceFlow, s);
      const real: ClassPath = classPathFor(c.class === 'oversize' ? { branch: 'gt' } : {}, {
        ...realPath,
        est: realPath.est!,
      });
      for (const id of PROFILE_IDS) {
        const ours = c.verdicts.find((v) => v.profile === id)!;
        for (const s of CT_SCENARIOS) {
          const mine = ours[s];
          const passes = real[s];
          if (!mine || !passes) continue;
          const j = judgeScenario(getProfile(id), passes, s);
          compared++;
          if (j.verdict !== mine.verdict || reasonKey(j) !== mine.reason) {
            mismatches.push(
              `${c.port} ${c.class} ${s} ${id}: real ${j.verdict} "${reasonKey(j)}" vs pass ${mine.verdict} "${mine.reason}"`,
            );
            if (process.env['OFFLOAD_DEBUG'])
              writeFileSync(
                `/tmp/offload-debug-${c.port}-${c.class}-${s}.txt`,
                `${s === 'reply' ? c.replyFlow : c.traceFlow}\n${JSON.stringify({ real: passes, ours: c.path[s] }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v instanceof Set ? [...(v as Set<unknown>)] : v instanceof Map ? Object.fromEntries(v as Map<string, unknown>) : v), 1)}\n${await hv.appctl('ofproto/trace', 'br-int', s === 'reply' ? c.replyFlow! : c.traceFlow, ...Array.from({ length: 6 }, () => ['--ct-next', CT_NEXT[s]]).flat())}\n`,
              );
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(4 * 25);
  });

  it('expected verdicts: established offloaded on TC, setups in software, ARP slow path, gateway_mtu blocks', () => {
    const v = (port: string, cls: string, profile: string) =>
      report.classes.find((c) => c.port === port && c.class === cls)!.verdicts.find((x) => x.profile === profile)!;
    expect(v('vm1', 'l2', 'mlx5-cx6dx').est).toMatchObject({ verdict: 'offloadable' });
    expect(v('vm1', 'l2', 'tc-flower').new).toMatchObject({
      verdict: 'partial',
      reason: 'action ct(nat)',
      layer: 'kernel',
    });
    expect(v('vm3', 'routed', 'tc-flower').est).toMatchObject({ verdict: 'offloadable' });
    // ls2's allow-related ACLs: conntrack without NAT, committed for new connections.
    expect(v('vm3', 'acl-conntrack', 'tc-flower').new).toMatchObject({
      verdict: 'partial',
      reason: 'action ct',
      lflow: { stage: 'ls_in_pre_stateful' },
    });
    const acl = report.classes.find((c) => c.port === 'vm3' && c.class === 'acl-conntrack')!;
    expect(acl.path.new!.flatMap((p) => p.actions).some((a) => a.kind === 'ct' && a.commit)).toBe(true);
    // ARP responder: OVS slow path (ARP rewrite), for every profile.
    for (const id of PROFILE_IDS)
      expect(v('vm1', 'arp-router', id).est).toMatchObject({
        verdict: 'not',
        reason: 'slow_path set(arp)',
        layer: 'ovs-slow-path',
        lflow: { stage: 'ls_in_arp_rsp' },
      });
    expect(v('vm1', 'snat-out', 'mlx5-cx6dx').est).toMatchObject({
      verdict: 'not',
      reason: 'action userspace(controller)',
      lflow: { stage: 'lr_in_larger_pkts' },
    });
    expect(v('vm1', 'oversize', 'tc-flower').est).toMatchObject({
      verdict: 'not',
      reason: 'action userspace(controller)',
    });
    // rte_flow: the first pass parses, its ct does not: MARK+RSS.
    expect(v('vm1', 'l2', 'dpdk-rte-flow').est).toMatchObject({ verdict: 'partial', reason: 'action ct(nat)' });
    for (const id of ['tc-flower', 'mlx5-cx5', 'mlx5-cx6dx'])
      expect(v('vm5', 'l2', id).est).toMatchObject({ verdict: 'offloadable', reason: '' });
    // Even on a stateless switch the megaflow matches ct_state: flows of stateful datapaths share the tables
    // (OVS unwildcards the first lookup stage), and OVS 3.1 rte_flow does not consume ct_state.
    expect(v('vm5', 'l2', 'dpdk-rte-flow').est).toMatchObject({ verdict: 'not', reason: 'match ct_state' });
    expect(v('vm1', 'nd-router', 'tc-flower').est).toMatchObject({ verdict: 'not' });
    expect(v('vm1', 'dhcp', 'tc-flower').est).toMatchObject({
      verdict: 'not',
      reason: 'action userspace(controller)',
      lflow: { stage: 'ls_in_dhcp_options' },
    });
    expect(v('vm2', 'dhcp', 'tc-flower').est.verdict).not.toBe('not');
    expect(v('vm1', 'from-tunnel', 'mlx5-cx5').est).toMatchObject({ verdict: 'not', reason: 'match tun_metadata' });
    expect(v('vm1', 'to-tunnel', 'mlx5-cx6dx').est.verdict).toBe('offloadable');
  });

  it('an LB with selection_fields (selection_method=hash) needs no datapath hash: new connections are only set up in software', () => {
    const c = report.classes.find(
      (x) => x.port === 'vm1' && x.class === 'lb-vip' && x.description.includes('192.168.100.200'),
    )!;
    expect(c.path.new!.flatMap((p) => p.actions.map((a) => a.kind))).not.toContain('hash');
    for (const id of ['tc-flower', 'mlx5-cx5', 'mlx5-cx6dx']) {
      const v = c.verdicts.find((x) => x.profile === id)!;
      expect(v.est.verdict).toBe('offloadable');
      expect(v.new!.verdict).not.toBe('offloadable');
    }
  });

  it('the CLI reads the live bridge, SB and Open_vSwitch DB with the real tools', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runOffloadReport(
      [
        '--bridge',
        hv.mgmt(),
        '--sb',
        sbRemote,
        '--ovs-db',
        hv.db.remotes.unix,
        '--profile',
        'mlx5-cx6dx',
        '--format',
        'json',
      ],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    );
    // The lab does not enable hw-offload and runs the netdev datapath: the report is printed, exit 3 with the reasons.
    expect(code).toBe(3);
    expect(err.join('')).toMatch(/environment error: mlx5-cx6dx: hw-offload: other_config:hw-offload is not true/);
    expect(err.join('')).toMatch(/environment error: mlx5-cx6dx: datapath-type: br-int datapath_type=netdev/);
    const doc = JSON.parse(out.join('')) as OffloadReport;
    const lb = doc.classes.find(
      (c) => c.port === 'vm1' && c.class === 'lb-vip' && c.description.includes('192.168.100.100'),
    )!;
    expect(lb.verdicts[0]).toMatchObject({
      new: { verdict: 'not', reason: 'action hash' },
      est: { verdict: 'offloadable' },
    });
    const env = doc.environment[0]!.findings;
    expect(env.find((f) => f.check === 'hw-offload')!.severity).toBe('error'); // the lab does not enable it
    expect(env.find((f) => f.check === 'datapath-type')!.message).toMatch(
      /datapath_type=netdev, but mlx5-cx6dx offloads through the system datapath/,
    );
    expect(env.find((f) => f.check === 'encap')!.message).toMatch(/ovn-encap-type=geneve/);
  });

  it("dp_hash LB VIP: only the new connection's hash pass is refused; established passes are offloaded by TC", async () => {
    const lb = report.classes.find(
      (c) => c.port === 'vm1' && c.class === 'lb-vip' && c.description.includes('192.168.100.100'),
    )!;
    // The real datapath agrees on the mechanism: a new connection to the VIP gets hash(l4(0)),recirc.
    const real = await realPasses(lb.traceFlow, 'new');
    expect(real.flatMap((p) => p.actions.map((a) => a.kind))).toContain('hash');
    expect(lb.path.new!.flatMap((p) => p.actions.map((a) => a.kind))).toContain('hash');
    expect((await realPasses(lb.traceFlow, 'est')).flatMap((p) => p.actions.map((a) => a.kind))).not.toContain('hash');
    const dpHashLb = report.classes.filter((x) => x.class === 'lb-vip' && x.description.includes('192.168.100.100'));
    expect(dpHashLb.length).toBe(2); // vm1, vm2
    for (const c of dpHashLb) {
      for (const v of c.verdicts) {
        // rte_flow: the first pass (ct) parses, so MARK+RSS; the hash pass runs in the PMD.
        expect(v.new!.verdict).toBe(v.profile === 'dpdk-rte-flow' ? 'partial' : 'not');
        expect([v.new!.reason, ...(v.new!.alsoBlockedBy ?? [])]).toContain('action hash');
        if (v.profile !== 'dpdk-rte-flow') {
          expect(v.new!.fix).toMatch(/disable the OVN LB/);
          expect(v.est.verdict).toBe('offloadable');
        }
      }
      const tc = c.verdicts.find((v) => v.profile === 'mlx5-cx5')!;
      expect(tc.new).toMatchObject({ reason: 'action hash', lflow: { stage: 'ls_in_lb' } });
      expect(tc.new!.note).toMatch(/dp_hash/);
    }
  });
});
