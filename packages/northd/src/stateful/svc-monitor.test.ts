// Load balancer health checks through the engine, round by round (EngineCheck holds every incremental
// round to a full compile and a full diff): Service_Monitor rows, ct_lb narrowed to the backends
// online, ARP/ND answers for the source addresses, and ovn-controller's verdicts taken incrementally.
import { describe, expect, it } from 'vitest';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { SbChange } from '../input.js';
import { EngineCheck } from '../testing/engine-check.js';
import { MemNb } from '../testing/mem-nb.js';
import { monitorsGoneOffline, svcMonKey } from './svc-monitor.js';

type Monitor = SbTables['Service_Monitor'];
const set = (xs: unknown[]) => ['set', xs];
const map = (o: Record<string, string>) => ['map', Object.entries(o)];
const named = (n: string) => ['named-uuid', n];
const uuid = (u: string) => ['uuid', u];
const MAC = '0a:00:00:00:00:fe';

/** sw0 (sw0-p1 10.0.0.3), sw1 (sw1-p1 20.0.0.3, fd00::3), lb1 10.0.0.10:80 on sw0, checked. */
function setup(nb: MemNb): { lb: string; lsp: string } {
  const r = nb.transact([
    { op: 'insert', table: 'NB_Global', row: { options: map({ svc_monitor_mac: MAC }) } },
    { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'a', row: { name: 'sw0-p1' } },
    { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'b', row: { name: 'sw1-p1' } },
    { op: 'insert', table: 'Logical_Switch', row: { name: 'sw1', ports: set([named('b')]) } },
    { op: 'insert', table: 'Load_Balancer_Health_Check', 'uuid-name': 'hc', row: { vip: '10.0.0.10:80' } },
    {
      op: 'insert',
      table: 'Load_Balancer',
      'uuid-name': 'lb',
      row: {
        name: 'lb1',
        vips: map({ '10.0.0.10:80': '10.0.0.3:80,20.0.0.3:80', '[fd00::10]:80': '[fd00::3]:80' }),
        health_check: set([named('hc')]),
        ip_port_mappings: map({ '10.0.0.3': 'sw0-p1:10.0.0.2', '20.0.0.3': 'sw1-p1:20.0.0.2' }),
      },
    },
    {
      op: 'insert',
      table: 'Logical_Switch',
      row: { name: 'sw0', ports: set([named('a')]), load_balancer: set([named('lb')]) },
    },
  ]);
  return { lsp: r[1]!, lb: r[5]! };
}

function step(nb: MemNb, check: EngineCheck, ops: unknown[]): void {
  nb.transact(ops);
  const r = check.round(nb.snapshot(), nb.takeChanges().changes);
  expect(r.full, r.reason).toBe(false);
}

const monitors = (check: EngineCheck) => [...check.sb.tables.get('Service_Monitor')!.values()] as unknown as Monitor[];

/** ovn-controller's verdict on the monitor of `port`, applied to the SB and handed to the next round. */
function verdict(nb: MemNb, check: EngineCheck, port: string, status: Monitor['status']): void {
  const table = check.sb.tables.get('Service_Monitor')!;
  const old = monitors(check).find((m) => m.logical_port === port)!;
  const now = { ...old, status };
  table.set(old._uuid, now);
  const change = { kind: 'modify', table: 'Service_Monitor', uuid: old._uuid, old, new: now } as SbChange;
  const r = check.round(nb.snapshot(), [], [change]);
  expect(r.full, r.reason).toBe(false);
}

/** The ls_in_lb action of the VIP 10.0.0.10:80. */
function lbAction(check: EngineCheck): string | undefined {
  return check.engine
    .compiled()
    .logicalFlows.find(
      (f) => f.stageName === 'ls_in_lb' && f.match === 'ct.new && ip4.dst == 10.0.0.10 && tcp.dst == 80',
    )?.actions;
}

describe('load balancer health checks', () => {
  it('writes a Service_Monitor per mapped backend and answers ARP for its source address', () => {
    const nb = new MemNb();
    setup(nb);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    expect(monitors(check).map((m) => [m.logical_port, m.ip, m.port, m.protocol, m.src_ip, m.src_mac])).toEqual(
      expect.arrayContaining([
        ['sw0-p1', '10.0.0.3', 80, 'tcp', '10.0.0.2', MAC],
        ['sw1-p1', '20.0.0.3', 80, 'tcp', '20.0.0.2', MAC],
      ]),
    );
    expect(monitors(check)).toHaveLength(2);
    expect(lbAction(check)).toBe('reg0[1] = 0; ct_lb_mark(backends=10.0.0.3:80,20.0.0.3:80);');
    // The unchecked IPv6 VIP keeps its configured list.
    const flows = check.engine.compiled().logicalFlows;
    expect(flows.find((f) => f.match === 'ct.new && ip6.dst == fd00::10 && tcp.dst == 80')?.actions).toBe(
      'reg0[1] = 0; ct_lb_mark(backends=[fd00::3]:80);',
    );
    const arp = flows.filter((f) => f.stageName === 'ls_in_arp_rsp' && f.priority === 110);
    expect(arp.map((f) => [f.match, f.datapaths.length])).toEqual(
      expect.arrayContaining([
        ['arp.tpa == 10.0.0.2 && arp.op == 1', 1],
        ['arp.tpa == 20.0.0.2 && arp.op == 1', 1],
      ]),
    );
    expect(arp[0]!.actions).toContain(`eth.src = ${MAC};`);
  });

  it('leaves offline and errored backends out, drops with none, and takes verdicts incrementally', () => {
    const nb = new MemNb();
    setup(nb);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    verdict(nb, check, 'sw1-p1', 'offline');
    expect(lbAction(check)).toBe('reg0[1] = 0; ct_lb_mark(backends=10.0.0.3:80);');
    verdict(nb, check, 'sw0-p1', 'error');
    expect(lbAction(check)).toBe('drop;');
    verdict(nb, check, 'sw0-p1', 'online');
    verdict(nb, check, 'sw1-p1', 'online');
    expect(lbAction(check)).toBe('reg0[1] = 0; ct_lb_mark(backends=10.0.0.3:80,20.0.0.3:80);');
    expect(check.fullRounds).toBe(1);
  });

  it('follows ports, mappings, checks and svc_monitor_mac; removes stale monitors', () => {
    const nb = new MemNb();
    const { lb, lsp } = setup(nb);
    nb.takeChanges();
    const check = new EngineCheck();
    check.round(nb.snapshot(), 'full');
    // A disabled port is no backend and has no monitor.
    step(nb, check, [
      { op: 'update', table: 'Logical_Switch_Port', where: [['_uuid', '==', uuid(lsp)]], row: { enabled: false } },
    ]);
    expect(lbAction(check)).toBe('reg0[1] = 0; ct_lb_mark(backends=20.0.0.3:80);');
    expect(monitors(check).map((m) => m.logical_port)).toEqual(['sw1-p1']);
    step(nb, check, [
      { op: 'update', table: 'Logical_Switch_Port', where: [['_uuid', '==', uuid(lsp)]], row: { enabled: true } },
    ]);
    expect(monitors(check)).toHaveLength(2);
    // A new source address and MAC are written in place.
    step(nb, check, [
      {
        op: 'mutate',
        table: 'Load_Balancer',
        where: [['_uuid', '==', uuid(lb)]],
        mutations: [
          ['ip_port_mappings', 'delete', set(['10.0.0.3'])],
          ['ip_port_mappings', 'insert', map({ '10.0.0.3': 'sw0-p1:10.0.0.100' })],
        ],
      },
    ]);
    step(nb, check, [
      { op: 'update', table: 'NB_Global', where: [], row: { options: map({ svc_monitor_mac: '0A:00:00:00:00:01' }) } },
    ]);
    expect(monitors(check).every((m) => m.src_mac === '0a:00:00:00:00:01')).toBe(true);
    expect(monitors(check).find((m) => m.logical_port === 'sw0-p1')?.src_ip).toBe('10.0.0.100');
    // Check options go to the rows; a check moved to another VIP drops them.
    const hc = [...nb.snapshot().Load_Balancer_Health_Check.values()][0]!._uuid;
    step(nb, check, [
      {
        op: 'update',
        table: 'Load_Balancer_Health_Check',
        where: [['_uuid', '==', uuid(hc)]],
        row: { options: map({ interval: '5', failure_count: '3' }) },
      },
    ]);
    expect(monitors(check).every((m) => m.options['interval'] === '5')).toBe(true);
    step(nb, check, [
      {
        op: 'update',
        table: 'Load_Balancer_Health_Check',
        where: [['_uuid', '==', uuid(hc)]],
        row: { vip: '[fd00::10]:80' },
      },
    ]);
    expect(monitors(check)).toEqual([]);
    expect(lbAction(check)).toBe('reg0[1] = 0; ct_lb_mark(backends=10.0.0.3:80,20.0.0.3:80);');
    // IPv6: "[backend]" keys, "port:[source]" values, ND answers.
    step(nb, check, [
      {
        op: 'mutate',
        table: 'Load_Balancer',
        where: [['_uuid', '==', uuid(lb)]],
        mutations: [['ip_port_mappings', 'insert', map({ '[fd00::3]': 'sw1-p1:[fd00::2]' })]],
      },
    ]);
    expect(monitors(check).map((m) => [m.logical_port, m.ip, m.src_ip])).toEqual([['sw1-p1', 'fd00::3', 'fd00::2']]);
    expect(check.engine.compiled().logicalFlows.some((f) => f.match === 'nd_ns && nd.target == fd00::2')).toBe(true);
    step(nb, check, [
      { op: 'update', table: 'Load_Balancer', where: [['_uuid', '==', uuid(lb)]], row: { health_check: set([]) } },
    ]);
    expect(monitors(check)).toEqual([]);
    expect(
      check.engine.compiled().logicalFlows.some((f) => f.stageName === 'ls_in_arp_rsp' && f.priority === 110),
    ).toBe(false);
    expect(check.fullRounds).toBe(1);
  });

  it('marks online monitors offline when their binding is not up', () => {
    const row = (port: string, status: Monitor['status']) => ({ logical_port: port, status, key: port });
    const rows = [row('a', 'online'), row('b', 'online'), row('c', 'offline'), row('d', 'online'), row('e', 'online')];
    const up: Record<string, boolean> = { a: true, b: false, c: false, e: false };
    const gone = monitorsGoneOffline(
      rows,
      (r) => r.logical_port !== 'e',
      (p) => up[p],
    );
    expect(gone.map((r) => r.logical_port)).toEqual(['b']);
    expect(svcMonKey('p', '10.0.0.1', 80, 'udp')).not.toBe(svcMonKey('p', '10.0.0.1', 80, 'tcp'));
  });
});
