import { describe, expect, it } from 'vitest';
import { parseFlow, type Group } from '@ovnts/openflow';
import { parseGroup } from '../dump.js';
import { PacketState } from './state.js';
import { FlowTables } from './tables.js';
import { translate, translateClass } from './xlate.js';

const tables = (lines: string[], groups: Group[] = []) =>
  new FlowTables(
    lines.map((l) => parseFlow(l)),
    groups,
  );
const pkt = (o: Record<string, number | bigint>) =>
  new PacketState(Object.entries(o).map(([k, v]) => [k as 'in_port', BigInt(v)]));
const kinds = (t: FlowTables, p: PacketState, scenario: 'new' | 'est' = 'est') =>
  translate(t, p, { scenario }).map((x) =>
    x.actions.map((a) =>
      a.kind === 'set' ? `set:${a.target}` : a.kind === 'ct' ? `ct${a.commit ? '+commit' : ''}` : a.kind,
    ),
  );
const IP = { in_port: 1, eth_type: 0x800, nw_proto: 17, ip_src: 0x0a000001, ip_dst: 0x0a000002, nw_ttl: 64 };

describe('OpenFlow → datapath translation', () => {
  it('commits header rewrites as one set per header just before output, skipping the ingress port', () => {
    const t = tables([
      'table=0, priority=10,in_port=1 actions=set_field:02:00:00:00:00:01->eth_src,dec_ttl,resubmit(,1)',
      'table=1, priority=10 actions=output:1,set_field:02:00:00:00:00:02->eth_dst,output:2',
    ]);
    expect(kinds(t, pkt(IP))).toEqual([['set:eth', 'set:ipv4', 'output']]);
  });

  it('ct(table=N) recirculates; the next pass sees the scenario ct_state', () => {
    const t = tables([
      'table=0, priority=10,ip actions=ct(table=5,zone=7)',
      'table=5, priority=20,ct_state=+new+trk,ip actions=ct(commit,zone=7),output:2',
      'table=5, priority=20,ct_state=+est+trk,ip actions=output:2',
    ]);
    expect(kinds(t, pkt(IP), 'new')).toEqual([
      ['ct', 'recirc'],
      ['ct+commit', 'output'],
    ]);
    expect(kinds(t, pkt(IP), 'est')).toEqual([['ct', 'recirc'], ['output']]);
    const est = translate(t, pkt(IP), { scenario: 'est' });
    expect([...est[1]!.matches].sort()).toEqual(['ct_state', 'recirc_id']);
    expect(translateClass(t, pkt(IP)).new).toBeDefined();
  });

  it('resolves conjunctive matches like OVS', () => {
    const t = tables([
      'table=0, priority=100,ip,nw_src=10.0.0.1 actions=conjunction(7,1/2)',
      'table=0, priority=100,udp actions=conjunction(7,2/2)',
      'table=0, priority=100,conj_id=7,ip actions=output:3',
      'table=0, priority=1 actions=output:4',
    ]);
    expect(translate(t, pkt(IP), { scenario: 'est' })[0]!.actions).toMatchObject([{ kind: 'output', port: '3' }]);
    expect(translate(t, pkt({ ...IP, ip_src: 0x0a000009 }), { scenario: 'est' })[0]!.actions).toMatchObject([
      { kind: 'output', port: '4' },
    ]);
  });

  it('dp_hash select groups hash and recirculate into the bucket; hash selection stays in userspace', () => {
    const g = parseGroup(
      'group_id=1,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=output:5,bucket=bucket_id:1,weight:100,actions=output:6',
    );
    const t = tables(['table=0, priority=1 actions=group:1'], [g]);
    const passes = translate(t, pkt(IP), { scenario: 'est' });
    expect(passes.map((p) => p.actions.map((a) => a.kind))).toEqual([['hash', 'recirc'], ['output']]);
    expect(passes[1]!.matches.has('dp_hash')).toBe(true);
    const h = parseGroup('group_id=1,type=select,selection_method=hash,bucket=bucket_id:0,actions=output:5');
    expect(kinds(tables(['table=0, priority=1 actions=group:1'], [h]), pkt(IP))).toEqual([['output']]);
  });

  it('check_pkt_larger forks both branches into one check_pkt_len', () => {
    const t = tables([
      'table=0, priority=1 actions=check_pkt_larger(1414)->NXM_NX_REG9[1],resubmit(,1)',
      'table=1, priority=10,reg9=0x2/0x2 actions=controller(userdata=00.00.00.0a.00.00.00.00)',
      'table=1, priority=1 actions=output:2',
    ]);
    const [p] = translate(t, pkt(IP), { scenario: 'est' });
    expect(p!.actions).toMatchObject([
      { kind: 'check_pkt_len', size: 1414, gt: [{ kind: 'userspace', why: 'controller' }], le: [{ kind: 'output' }] },
    ]);
  });

  it('resubmit loops are bounded', () => {
    const t = tables(['table=0, priority=1 actions=resubmit(,0),output:2']);
    expect(kinds(t, pkt(IP))[0]!.length).toBeGreaterThan(0);
  });

  it('registers alias like OVS (xxreg0 = reg0..reg3, reg0 most significant)', () => {
    const s = new PacketState();
    s.set('xxreg0', 0x11111111_22222222_33333333_44444444n);
    expect(s.get('reg0')).toBe(0x11111111n);
    expect(s.get('reg3')).toBe(0x44444444n);
    s.set('reg1', 0xffn, 0xffn);
    expect(s.get('xreg0')).toBe(0x11111111_222222ffn);
  });
});
