import { formatFlow } from '@ovnts/openflow';
import { describe, expect, it } from 'vitest';
import { Compiler, type DatapathContext } from './compile.js';
import { parseMatch } from './parse.js';

const PORTS: Record<string, number> = { vm1: 1, vm2: 2, 'ls1-lr1': 3, _MC_flood: 32768 };

function dp(over: Partial<DatapathContext> = {}): DatapathContext {
  let conj = 1;
  return {
    dpKey: 1,
    isSwitch: true,
    lookupPort: (n) => PORTS[n],
    isChassisResident: (p) => p === 'vm1',
    addressSet: (n) =>
      n === 'as1' ? ['10.0.0.1', '10.0.0.2', '10.1.0.0/16', 'bogus'] : n === 'empty' ? [] : undefined,
    portGroup: (n) => (n === '1_pg1' ? ['vm1', 'vm2'] : undefined),
    groupId: () => 1,
    allocConjIds: (n) => {
      const f = conj;
      conj += n;
      return f;
    },
    ...over,
  };
}

/** Flows (as ovs-ofctl prints them, sorted) for a match with `next;` in ingress table 0. */
function flows(match: string, ctx = dp(), ioPort?: string): string[] {
  const r = new Compiler().compile(
    {
      uuid: '12345678-0000-0000-0000-000000000000',
      pipeline: 'ingress',
      table: 0,
      priority: 100,
      match,
      actions: 'next;',
      ...(ioPort !== undefined ? { ioPort } : {}),
    },
    ctx,
  );
  if (!r.ok) throw new Error(r.error.describe());
  return r.value.map((f) => formatFlow(f)).sort();
}

const P = 'cookie=0x12345678, table=8, priority=100,';

describe('match grammar', () => {
  it.each([
    ['1', [`${P}metadata=0x1 actions=resubmit(,9)`]],
    ['0', []],
    ['ip4', [`${P}ip,metadata=0x1 actions=resubmit(,9)`]],
    ['eth.bcast', [`${P}metadata=0x1,dl_dst=ff:ff:ff:ff:ff:ff actions=resubmit(,9)`]],
    ['inport == "vm1"', [`${P}reg14=0x1,metadata=0x1 actions=resubmit(,9)`]],
    ['reg0[3]', [`${P}reg0=0x8/0x8,metadata=0x1 actions=resubmit(,9)`]],
    ['!reg0[3]', [`${P}reg0=0/0x8,metadata=0x1 actions=resubmit(,9)`]],
    ['!reg0', [`${P}reg0=0,metadata=0x1 actions=resubmit(,9)`]],
    ['xreg0[0..47] == 02:00:00:00:00:01', [`${P}reg0=0x200/0xffff,reg1=0x1,metadata=0x1 actions=resubmit(,9)`]],
    ['flags.loopback == 1', [`${P}reg10=0x1/0x1,metadata=0x1 actions=resubmit(,9)`]],
    ['ct.est', [`${P}ct_state=+est+trk,metadata=0x1 actions=resubmit(,9)`]],
    ['!ct.trk', [`${P}ct_state=-trk,metadata=0x1 actions=resubmit(,9)`]],
    ['ip4.src == 10.0.0.0/8', [`${P}ip,metadata=0x1,nw_src=10.0.0.0/8 actions=resubmit(,9)`]],
    ['vlan.vid == 5', [`${P}metadata=0x1,dl_vlan=5 actions=resubmit(,9)`]],
    // An address set that is empty right now: == matches nothing, != everything (as OVN's make_cmp does).
    ['ip4.dst == $empty', []],
    ['ip4 && ip4.dst != $empty', [`${P}ip,metadata=0x1 actions=resubmit(,9)`]],
    ['ip4 && ip4.dst == {$empty, 10.0.0.9}', [`${P}ip,metadata=0x1,nw_dst=10.0.0.9 actions=resubmit(,9)`]],
    [
      'ip.later_frag',
      [
        `${P}ip,metadata=0x1,nw_frag=later actions=resubmit(,9)`,
        `${P}ipv6,metadata=0x1,nw_frag=later actions=resubmit(,9)`,
      ],
    ],
  ])('%s', (m, expected) => {
    expect(flows(m)).toEqual(expected);
  });

  it('turns ranges into masked prefixes the way OVN does (as the real controller installs them)', () => {
    expect(flows('tcp.dst >= 1000 && tcp.dst <= 1999')).toEqual(
      [
        'tp_dst=1000',
        'tp_dst=1001',
        'tp_dst=0x3ea/0xfffe',
        'tp_dst=0x3ec/0xfffc',
        'tp_dst=0x3f0/0xfff0',
        'tp_dst=0x400/0xfe00',
        'tp_dst=0x600/0xff00',
        'tp_dst=0x700/0xff80',
        'tp_dst=0x780/0xffc0',
        'tp_dst=0x7c0/0xfff8',
        'tp_dst=0x7c8/0xfffc',
        'tp_dst=0x7cc/0xfffe',
        'tp_dst=1998',
        'tp_dst=1999',
      ]
        .flatMap((t) => [
          `${P}tcp,metadata=0x1,${t} actions=resubmit(,9)`,
          `${P}tcp6,metadata=0x1,${t} actions=resubmit(,9)`,
        ])
        .sort(),
    );
    expect(flows('1 < tcp.src < 4')).toEqual(
      ['tp_src=0x2/0xfffe']
        .flatMap((t) => [
          `${P}tcp,metadata=0x1,${t} actions=resubmit(,9)`,
          `${P}tcp6,metadata=0x1,${t} actions=resubmit(,9)`,
        ])
        .sort(),
    );
    expect(flows('tcp.dst <= 65535 && ip4')).toEqual([`${P}tcp,metadata=0x1 actions=resubmit(,9)`]);
  });

  it('expands != into single-bit disjuncts', () => {
    expect(flows('reg0[0..1] != 2')).toEqual([
      `${P}reg0=0/0x2,metadata=0x1 actions=resubmit(,9)`,
      `${P}reg0=0x1/0x1,metadata=0x1 actions=resubmit(,9)`,
    ]);
  });

  it('uses conjunctive matches for two independent sets', () => {
    const f = flows('ip4.src == {10.0.0.1, 10.0.0.2} && tcp.dst == {80, 443}');
    expect(f).toEqual(
      [
        `${P}conj_id=1,tcp,metadata=0x1 actions=resubmit(,9)`,
        'table=8, priority=100,tcp,metadata=0x1,nw_src=10.0.0.1 actions=conjunction(1,1/2)',
        'table=8, priority=100,tcp,metadata=0x1,nw_src=10.0.0.2 actions=conjunction(1,1/2)',
        'table=8, priority=100,tcp,metadata=0x1,tp_dst=80 actions=conjunction(1,2/2)',
        'table=8, priority=100,tcp,metadata=0x1,tp_dst=443 actions=conjunction(1,2/2)',
      ].sort(),
    );
  });

  it('crosses products over must-crossproduct fields instead of conjunctions', () => {
    expect(flows('ip.proto == {6, 17} && inport == {"vm1", "vm2"}')).toHaveLength(4 * 2);
  });

  it('expands address sets and port groups, skipping unknown ports', () => {
    expect(flows('ip4.dst == $as1')).toEqual([
      `${P}ip,metadata=0x1,nw_dst=10.0.0.1 actions=resubmit(,9)`,
      `${P}ip,metadata=0x1,nw_dst=10.0.0.2 actions=resubmit(,9)`,
      `${P}ip,metadata=0x1,nw_dst=10.1.0.0/16 actions=resubmit(,9)`,
    ]);
    expect(flows('inport == {@pg1, "nope"}')).toEqual([
      `${P}reg14=0x1,metadata=0x1 actions=resubmit(,9)`,
      `${P}reg14=0x2,metadata=0x1 actions=resubmit(,9)`,
    ]);
    expect(flows('inport == "nope"')).toEqual([]);
  });

  it('evaluates is_chassis_resident on this chassis', () => {
    expect(flows('is_chassis_resident("vm1") && ip4')).toHaveLength(1);
    expect(flows('is_chassis_resident("vm2") && ip4')).toEqual([]);
    expect(flows('!is_chassis_resident("vm2") && ip4')).toHaveLength(1);
  });

  it('skips flows for switch ports that are not related to this chassis', () => {
    expect(flows('inport == {"vm1", "vm2"}', dp({ isPortRelated: (k) => k === 2 }))).toEqual([
      `${P}reg14=0x2,metadata=0x1 actions=resubmit(,9)`,
    ]);
  });

  it('skips a flow tagged with a port (in_out_port) that is not related, before parsing it', () => {
    const related = dp({ isPortRelated: (k) => k === 2 });
    expect(flows('ip4', related, 'vm2')).toHaveLength(1);
    expect(flows('ip4', related, 'vm1')).toEqual([]);
    expect(flows('ip4', related, 'nope')).toEqual([]);
    // Not even parsed: a syntax error in a skipped flow is not reported (as ovn-controller).
    expect(flows('ip4 &&', related, 'vm1')).toEqual([]);
    // Routers (and contexts without a port filter) do not filter ports.
    expect(flows('ip4', dp({ isSwitch: false, isPortRelated: () => false }), 'vm1')).toHaveLength(1);
    expect(flows('ip4', dp(), 'nope')).toHaveLength(1);
  });

  it('drops a conjunction one of whose clauses has no flow left', () => {
    const m = 'inport == {"vm1", "vm2"} && ip4.src == {10.0.0.1, 10.0.0.2}';
    const clauses = (f: string[]) => f.filter((x) => x.includes('conjunction'));
    // Only vm2 is related: the inport clause keeps one flow, the conjunction stays.
    const some = flows(m, dp({ isPortRelated: (k) => k === 2 }));
    expect(some).toHaveLength(4);
    expect(some).toContain(`${P}conj_id=1,ip,metadata=0x1 actions=resubmit(,9)`);
    expect(clauses(some).filter((x) => x.includes('reg14'))).toEqual([
      'table=8, priority=100,ip,reg14=0x2,metadata=0x1 actions=conjunction(1,1/2)',
    ]);
    // Neither port is related: the port filter empties the inport clause, so nothing of the conjunction remains.
    expect(flows(m, dp({ isPortRelated: (k) => k === 3 }))).toEqual([]);
    // A clause that cannot match at all (unknown ports) leaves no orphan clause flows either.
    expect(flows('ip4.src == {10.0.0.1, 10.0.0.2} && inport == {"nope", "nope2"}')).toEqual([]);
    expect(flows('inport == {"nope", "nope2"} && ip4.src == {10.0.0.1, 10.0.0.2}')).toEqual([]);
  });

  it('intersects conflicting terms to nothing', () => {
    expect(flows('ip4 && ip6')).toEqual([]);
    expect(flows('reg0 == 1 && reg0 == 2')).toEqual([]);
    expect(flows('inport == "vm1" && inport == "vm2"')).toEqual([]);
  });
});

describe('match errors', () => {
  it.each([
    ['ip4 && ip6 || arp', '&& and || must be parenthesized when used together.'],
    ['!ip4.src == 1.2.3.4', 'Missing parentheses around operand of !.'],
    ['foo == 1', "Syntax error at `foo' expecting field name."],
    ['reg0', "Explicit `!= 0' is required for inequality test of multibit field against 0."],
    ['inport', "Syntax error at `end of input' expecting relational operator."],
    ['reg0 = 1', "Syntax error at `=' expecting relational operator."],
    ['reg0[3..40] == 1', 'Cannot select bits 3 to 40 of 32-bit field reg0.'],
    ['reg0[5..3] == 1', 'Invalid bit range 5 to 3.'],
    ['eth.type[0..3] == 1', 'Cannot select subfield of nominal field eth.type.'],
    ['inport[0] == 1', 'Cannot select subfield of string field inport.'],
    ['ip.proto > 5', 'Only == and != operators may be used with nominal field ip.proto.'],
    ['tcp.dst < {5, 6}', 'Only == and != operators may be used with value sets.'],
    [
      'tcp.dst < 0x10/0xf0',
      'Only == and != operators may be used with masked constants.  Consider using subfields instead.',
    ],
    [
      '1 < tcp.dst > 5',
      "Range expressions must have the form `x < field < y' or `x > field > y', with each `<' optionally replaced by `<=' or `>' by `>=').",
    ],
    ['inport == 1', 'String field inport is not compatible with integer constant.'],
    ['reg0 == "x"', 'Integer field reg0 is not compatible with string constant.'],
    ['tcp.dst == 65536', '17-bit constant is not compatible with 16-bit field tcp.dst.'],
    [
      '!ip4',
      "Nominal predicate ip4 may only be tested positively, e.g. `ip4' or `ip4 == 1' but not `!ip4' or `ip4 == 0'.",
    ],
    [
      'ip.proto != 6',
      "Nominal field ip.proto may only be tested for equality (taking enclosing `!' operators into account).",
    ],
    ['ip4.src == $nope', "Syntax error at `$nope' expecting address set name."],
    ['inport == @nope', "Syntax error at `@nope' expecting port group name."],
    ['reg0 == {1, "a"}', 'Syntax error at `"a"\' expecting integer.'],
    ['frob(1)', "Unknown function `frob'."],
    ['is_chassis_resident(vm1)', "Syntax error at `vm1' expecting string."],
    ['(ip4', "Syntax error at `end of input' expecting `)'."],
    ['ip4 ip6', "Syntax error at `ip6' expecting end of input."],
    ['reg0 == ', "Syntax error at `end of input' expecting constant."],
    ['('.repeat(101) + '1' + ')'.repeat(101), 'Parentheses nested too deeply.'],
  ])('%s', (m, msg) => {
    const r = parseMatch(m, { addressSet: () => undefined, portGroup: () => undefined });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toBe(msg);
      expect(r.error.pos).toBeGreaterThanOrEqual(0);
      expect(r.error.pos).toBeLessThanOrEqual(m.length);
    }
  });
});
