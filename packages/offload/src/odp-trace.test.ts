import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OffloadError } from './errors.js';
import { megaflowTraits, parseOdpActions, parseTrace } from './odp-trace.js';

const fixture = (n: string) => readFileSync(new URL(`../fixtures/${n}`, import.meta.url), 'utf8');

describe('ofproto/trace parser', () => {
  it('reads every pass of a real trace: LB new connection ends in hash + recirc', () => {
    const passes = parseTrace(fixture('lbnew.trace.txt'));
    expect(passes.map((p) => p.actions.map((a) => a.kind))).toEqual([
      ['ct', 'recirc'],
      ['hash', 'recirc'],
    ]);
    expect([...passes[1]!.matches].sort()).toEqual(['ct_state', 'recirc_id']);
    expect([...passes[0]!.matches]).toEqual([]);
  });

  it('nests check_pkt_len branches (gateway_mtu)', () => {
    const passes = parseTrace(fixture('snat.trace.txt'));
    const cpl = passes[1]!.actions.find((a) => a.kind === 'check_pkt_len');
    expect(cpl).toMatchObject({ kind: 'check_pkt_len', size: 1414, gt: [{ kind: 'userspace', why: 'controller' }] });
    expect(cpl && cpl.kind === 'check_pkt_len' && cpl.le.map((a) => a.kind)).toEqual(['ct', 'recirc']);
  });

  it('ARP responder: set(eth), set(arp) and ct_state/arp matches', () => {
    const [p] = parseTrace(fixture('arp.trace.txt'));
    expect(p!.actions.map((a) => (a.kind === 'set' ? `set:${a.target}` : a.kind))).toEqual([
      'set:eth',
      'set:arp',
      'output',
    ]);
    expect(p!.matches.has('arp') && p!.matches.has('ct_state')).toBe(true);
  });

  it('reads the slow-path note under a pass (ARP rewrite: SLOW_ACTION)', () => {
    const [p] = parseTrace(fixture('arp.trace.txt'));
    expect(p!.slow).toBe('action');
    const [lb] = parseTrace(fixture('lbnew.trace.txt'));
    expect(lb!.slow).toBeUndefined();
  });

  it('parses the other ODP actions', () => {
    expect(parseOdpActions('drop')).toEqual([]);
    expect(parseOdpActions('ct(commit,zone=9,nat(src=172.16.0.1)),recirc(0xb)')).toMatchObject([
      { kind: 'ct', commit: true, nat: true, helper: false },
      { kind: 'recirc' },
    ]);
    expect(parseOdpActions('ct(commit,zone=1,helper=ftp)')).toMatchObject([{ kind: 'ct', helper: true }]);
    expect(parseOdpActions('userspace(pid=0,slow_path(action))')).toMatchObject([
      { kind: 'userspace', why: 'slow_path' },
    ]);
    expect(
      parseOdpActions('clone(tnl_push(tnl_port(3),header(size=50,type=5),out_port(2)),3),clone(ct_clear,4)'),
    ).toMatchObject([
      { kind: 'set', target: 'tunnel' },
      { kind: 'output', port: '2' },
      { kind: 'output', port: '3' },
      { kind: 'clone', actions: [{ kind: 'ct_clear' }, { kind: 'output', port: '4' }] },
    ]);
    expect(parseOdpActions('push_vlan(vid=10,pcp=0),meter(3),2')).toMatchObject([
      { kind: 'push_vlan' },
      { kind: 'meter' },
      { kind: 'output' },
    ]);
    expect(parseOdpActions('set(skb_mark(0x1)),frobnicate(1)')).toMatchObject([
      { kind: 'set', target: 'skb_mark' },
      { kind: 'other' },
    ]);
  });

  it('megaflow traits', () => {
    expect([...megaflowTraits('recirc_id=0,dp_hash=0x1/0xf,tun_id=0x5,tun_metadata0=0x10,eth,ip')].sort()).toEqual([
      'dp_hash',
      'tun_metadata',
      'tunnel',
    ]);
    expect([...megaflowTraits('recirc_id=0x3,ct_state=+est+trk,eth,ip')].sort()).toEqual(['ct_state', 'recirc_id']);
  });

  it('adds back the userspace action of a pausing controller action, which ofproto/trace leaves out', () => {
    const trace =
      '28. udp,reg14=0x3, priority 100, cookie 0x56382a57\n    controller(userdata=00.00.00.02,pause)\n\nMegaflow: recirc_id=0,eth,udp\nDatapath actions: drop\n';
    expect(parseTrace(trace)[0]!.actions).toEqual([{ kind: 'userspace', why: 'controller' }]);
    expect(parseTrace('Megaflow: recirc_id=0,eth\nDatapath actions: drop\n')[0]!.actions).toEqual([]);
  });

  it('a trace without datapath actions is an error', () => {
    expect(() => parseTrace('Flow: in_port=1\nbridge("br-int")\n')).toThrow(OffloadError);
  });
});
