// Flows of one shape instantiated from a learnt template equal their full compilation (flows and look-ups).
import { Compiler, type CompiledFlow, type DatapathContext, type LogicalFlow } from '@ovnts/expr';
import { describe, expect, it } from 'vitest';
import { LflowTemplates, abstractFlow, type TemplateScope } from './lflow-template.js';

/** Ports p1..p200 with keys 1..200 and group _MC_flood (32768); `unrelated` ports are not related. */
function context(isSwitch = false) {
  const keys = new Map<string, number>([['_MC_flood', 32768]]);
  for (let i = 1; i <= 200; i++) keys.set(`p${i}`, i);
  const deps: string[] = [];
  const ctx: DatapathContext = {
    dpKey: 7,
    isSwitch,
    lookupPort: (n) => {
      deps.push(`n:${n}`);
      return keys.get(n);
    },
    isChassisResident: (p) => {
      deps.push(`r:${p}`);
      return p === 'p1';
    },
    isPortRelated: (k) => {
      deps.push(`k:${k}`);
      return k < 100;
    },
    groupId: () => 1,
    allocConjIds: () => 1,
    flowCollectorIds: new Set([1]),
  };
  return { ctx, deps, keys };
}

const hex = (n: number) => n.toString(16).padStart(2, '0');
const mac = (i: number) => `0a:58:0a:01:${hex(i >> 8)}:${hex(i & 255)}`;
const ip = (i: number) => `10.1.${i >> 8}.${i & 255}`;
const ip6 = (i: number) => `fe80::858:80ff:fe${hex(i >> 8)}:${i.toString(16)}`;
const uuid = (i: number) => `${(0x10000000 + i).toString(16)}-0000-4000-8000-000000000000`;

const SHAPES: ((i: number) => Omit<LogicalFlow, 'uuid'>)[] = [
  (i) => ({
    pipeline: 'ingress',
    table: 19,
    priority: 50,
    match: `arp.tpa == ${ip(i)} && arp.op == 1`,
    actions: `eth.dst = eth.src; eth.src = ${mac(i)}; arp.op = 2; /* ARP reply */ arp.tha = arp.sha; arp.sha = ${mac(i)}; arp.tpa = arp.spa; arp.spa = ${ip(i)}; outport = inport; flags.loopback = 1; output;`,
  }),
  (i) => ({
    pipeline: 'ingress',
    table: 25,
    priority: 50,
    match: `eth.dst == ${mac(i)}`,
    actions: `outport = "p${1 + (i % 150)}"; output;`,
  }),
  (i) => ({
    pipeline: 'ingress',
    table: 17,
    priority: 100,
    match: `outport == "p${1 + (i % 7)}" && reg0 == ${ip(i)}`,
    actions: `eth.dst = ${mac(i)}; next;`,
  }),
  // IPv6 addresses are slots too.
  (i) => ({
    pipeline: 'ingress',
    table: 3,
    priority: 90,
    match: `ip6.dst == ${ip6(i)} && icmp6.type == 128 && icmp6.code == 0`,
    actions: 'ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 129; flags.loopback = 1; next;',
  }),
  // A controller action's userdata that no value reaches: the same bytes in every instance.
  (i) => ({
    pipeline: 'ingress',
    table: 3,
    priority: 80,
    match: `ip4 && ip4.dst == ${ip(i)} && !ip.later_frag && tcp`,
    actions: 'tcp_reset {eth.dst <-> eth.src; ip4.dst <-> ip4.src; next; };',
  }),
  // A MAC into a slice it fits (xreg0[0..47]: xxreg0's upper half, the value shifted), a bit tested against a
  // number of the text.
  (i) => ({
    pipeline: 'ingress',
    table: 0,
    priority: 50,
    match: `eth.mcast && inport == "p${1 + (i % 150)}" && flags[1] == 0`,
    actions: `xreg0[0..47] = ${mac(i)}; next;`,
  }),
  // IPv4 networks (a router's route and ARP flows).
  (i) => ({
    pipeline: 'ingress',
    table: 13,
    priority: 74,
    match: `ip4.dst == 10.${i >> 8}.${i & 255}.0/24`,
    actions: `ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = ${ip(i)}; eth.src = ${mac(i)}; outport = "p${1 + (i % 7)}"; flags.loopback = 1; next;`,
  }),
  (i) => ({
    pipeline: 'ingress',
    table: 3,
    priority: 90,
    match: `inport == "p${1 + (i % 7)}" && arp.op == 1 && arp.tpa == ${ip(i)} && arp.spa == 10.${i >> 8}.${i & 255}.0/24`,
    actions: `eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;`,
  }),
  // Values inside the userdata: compiled in full every time.
  (i) => ({
    pipeline: 'ingress',
    table: 19,
    priority: 50,
    match: `nd_ns && ip6.dst == {${ip6(i)}, ff02::1:ff00:${(i & 255).toString(16)}} && nd.target == ${ip6(i)}`,
    actions: `nd_na_router { eth.src = ${mac(i)}; ip6.src = ${ip6(i)}; nd.target = ${ip6(i)}; nd.tll = ${mac(i)}; outport = inport; flags.loopback = 1; output; };`,
  }),
  // A port of no key: compiled in full (and an error) every time.
  (i) => ({
    pipeline: 'ingress',
    table: 25,
    priority: 50,
    match: `eth.dst == ${mac(i)}`,
    actions: `outport = "x${i}"; output;`,
  }),
  // Residency look-ups: never templated.
  (i) => ({
    pipeline: 'ingress',
    table: 9,
    priority: 90,
    match: `ip4.dst == ${ip(i)} && is_chassis_resident("p${1 + (i % 3)}")`,
    actions: 'next;',
  }),
];

function full(c: Compiler, lf: LogicalFlow, isSwitch: boolean, dpKey = 7) {
  const { ctx, deps } = context(isSwitch);
  const r = c.compile(lf, { ...ctx, dpKey });
  return r.ok ? { flows: r.value, deps } : undefined;
}

/** The template scope of `context`'s datapath (of key `dpKey`). */
function scopeOf(keys: ReadonlyMap<string, number>, dpKey = 7): TemplateScope {
  return {
    dpKey,
    lookupPort: (n) => keys.get(n),
    isRelated: (k) => k < 100,
    nameDep: (n) => `n:${n}`,
    keyDep: (k) => `k:${k}`,
  };
}

describe('lflow templates', () => {
  for (const isSwitch of [false, true])
    it(`instantiates flows equal to their full compilation (${isSwitch ? 'switch' : 'router'})`, () => {
      const c = new Compiler(undefined, { cache: false });
      const { keys } = context(isSwitch);
      const t = new LflowTemplates();
      const scope = scopeOf(keys);
      let instantiated = 0;
      const byShape = SHAPES.map(() => 0);
      for (let i = 1; i <= 400; i++)
        for (const shape of SHAPES) {
          const lf: LogicalFlow = { uuid: uuid(i), ...shape(i) };
          const n = SHAPES.indexOf(shape);
          const want = full(c, lf, isSwitch);
          const a = abstractFlow(lf);
          const got = a && t.instantiate(a, BigInt('0x' + lf.uuid.slice(0, 8)), scope);
          if (got) {
            instantiated++;
            byShape[n]!++;
            expect(got.flows).toEqual(want!.flows);
            expect(got.deps).toEqual(want!.deps);
          } else if (a && want && !want.deps.some((d) => d.startsWith('r:'))) t.learn(a, want.flows, want.deps, scope);
        }
      // The first eight shapes, once learnt (port keys and addresses coinciding are compiled in full); a switch
      // looks up the relatedness of the sixth's inport: templated for the related ports only (p1..p99 of p150).
      expect(instantiated).toBeGreaterThan(5 * 390 + (isSwitch ? 250 : 390) + 600);
      for (const n of [0, 1, 2, 3, 4]) expect(byShape[n]).toBeGreaterThan(390);
      // The networks' shapes: but where a port key (1..7) is one of the text's numbers (1, 2).
      expect(byShape[6]).toBeGreaterThan(330);
      expect(byShape[7]).toBeGreaterThan(270);
      expect(byShape[5]).toBeGreaterThan(isSwitch ? 250 : 390);
      expect(byShape[8]).toBe(0);
    });

  it('leaves out texts whose values change what they compile to', () => {
    const lf = (match: string, actions = 'next;', more: Partial<LogicalFlow> = {}): LogicalFlow => ({
      uuid: uuid(1),
      pipeline: 'ingress',
      table: 1,
      priority: 1,
      match,
      actions,
      ...more,
    });
    // An IPv4 network compared with a field no other overlaps, the prefix in the key; its address without host
    // bits, not negated nor in an alternative, no other address of its field.
    expect(abstractFlow(lf('ip4.dst == 10.0.0.0/8'))!.key).toContain('\u0001n0\u0001/8');
    expect(abstractFlow(lf('arp.tpa == 10.0.0.1 && arp.spa == 10.0.0.0/24'))!.classes).toEqual([
      0x0a000001n,
      0x0a000000n,
    ]);
    expect(abstractFlow(lf('ip4.dst == 10.0.0.1/8'))).toBeUndefined();
    expect(abstractFlow(lf('ip4.dst == 10.0.0.0/8 && ip4.dst == 10.0.0.1'))).toBeUndefined();
    expect(abstractFlow(lf('!(ip4.dst == 10.0.0.0/8)'))).toBeUndefined();
    expect(abstractFlow(lf('ip4.dst != 10.0.0.0/8'))).toBeUndefined();
    expect(abstractFlow(lf('ip4.dst == 10.0.0.0/8 || ip4.src == 10.0.0.1'))).toBeUndefined();
    expect(abstractFlow(lf('reg0 == 10.0.0.0/8'))).toBeUndefined();
    expect(abstractFlow(lf('ip4.dst == {10.0.0.0/8, 11.0.0.0/8}'))).toBeUndefined();
    expect(abstractFlow(lf('ip4', 'reg0 = 10.0.0.0/8; next;'))).toBeUndefined();
    expect(abstractFlow(lf('ip6.dst == fe80::/64'))).toBeUndefined();
    // A slot in a slice only where every value fits (from bit 0, as wide as its kind); a port name never.
    expect(abstractFlow(lf('reg0[8..38] == 10.0.0.1'))).toBeUndefined();
    expect(abstractFlow(lf('xxreg0[8..39] == 10.0.0.1'))).toBeDefined();
    expect(abstractFlow(lf('ip4', 'reg0[0..15] = 10.0.0.1; next;'))).toBeUndefined();
    expect(abstractFlow(lf('ip4', 'reg14[0..31] = "p1"; next;'))).toBeUndefined();
    expect(abstractFlow(lf('ip4', 'xreg0[0..47] = 0a:00:00:00:00:01; next;'))).toBeDefined();
    expect(abstractFlow(lf('ip6', 'xxreg0[0..127] = fe80::1; next;'))).toBeDefined();
    expect(abstractFlow(lf('flags[1] == 0 && ip4.dst == 10.0.0.1'))).toBeDefined();
    expect(abstractFlow(lf('ip6.dst == fe80::1'))!.classes).toEqual([0xfe800000000000000000000000000001n]);
    // A MAC is no IPv6 address; neither is an IPv4 address with a port (left in the text).
    expect(abstractFlow(lf('eth.src == 0a:00:00:00:00:01'))!.classes).toEqual([0x0a0000000001n]);
    expect(abstractFlow(lf('ip4.dst == 10.0.0.1', 'ct_lb_mark(backends=10.0.0.2:80);'))!.classes).toEqual([
      0x0a000001n,
    ]);
    expect(abstractFlow(lf('ip4.dst < 10.0.0.1'))).toBeUndefined();
    expect(abstractFlow(lf('reg0[0..15] == 10.0.0.1'))).toBeUndefined();
    expect(abstractFlow(lf('ip4.dst == $as'))).toBeUndefined();
    expect(abstractFlow(lf('outport == @pg'))).toBeUndefined();
    expect(abstractFlow(lf('ip4'))).toBeUndefined(); // nothing to abstract
    // A port-tagged flow only when its text names the port (the tag's slot is part of the key).
    expect(abstractFlow(lf('inport == "p1"', 'next;', { ioPort: 'p2' }))).toBeUndefined();
    expect(abstractFlow(lf('inport == "p1"', 'next;', { ioPort: 'p1' }))!.key).toMatch(/io0$/);
    // A comment's slash is no mask; a swap is no range.
    expect(abstractFlow(lf('ip4.dst == 10.0.0.1', 'eth.dst <-> eth.src; /* x */ next;'))).toBeDefined();
    // Equal values share a class; the equality pattern is part of the key.
    const same = abstractFlow(lf('ip4.src == 10.0.0.1 && ip4.dst == 10.0.0.1'))!;
    const other = abstractFlow(lf('ip4.src == 10.0.0.1 && ip4.dst == 10.0.0.2'))!;
    expect(same.classes).toHaveLength(1);
    expect(same.key).not.toBe(other.key);
    // Priority, table and pipeline are part of the key.
    expect(abstractFlow(lf('ip4.dst == 10.0.0.1'))!.key).not.toBe(
      abstractFlow(lf('ip4.dst == 10.0.0.1', 'next;', { priority: 2 }))!.key,
    );
  });

  it('compiles in full an instance whose value equals another number of its text', () => {
    const c = new Compiler(undefined, { cache: false });
    const { keys } = context();
    const t = new LflowTemplates();
    const scope = scopeOf(keys);
    const lf = (i: number): LogicalFlow => ({
      uuid: uuid(i),
      pipeline: 'ingress',
      table: 3,
      priority: 10,
      match: `reg0 == ${ip(i)} && reg1 == 261`,
      actions: 'next;',
    });
    for (const i of [1, 2]) t.learn(abstractFlow(lf(i))!, full(c, lf(i), false)!.flows, [], scope);
    expect(t.instantiate(abstractFlow(lf(3))!, 1n, scope)).toBeDefined();
    // 10.1.1.5 = 0x0a010105: not 261; 0.0.1.5 = 261: the same number as the text's.
    expect(
      t.instantiate(abstractFlow({ ...lf(4), match: 'reg0 == 0.0.1.5 && reg1 == 261' })!, 1n, scope),
    ).toBeUndefined();
  });

  it("templates an instance whose port key equals the flow's stage or priority", () => {
    // (Ports p25 and p50 of keys 25 and 50 on a switch's L2 look-up, table 25, priority 50: the stage and priority
    // are no numbers of the text, which the compiler could merge a value with.)
    const c = new Compiler(undefined, { cache: false });
    const { keys } = context(true);
    const t = new LflowTemplates();
    const scope = scopeOf(keys);
    const lf = (i: number): LogicalFlow => ({ uuid: uuid(i), ...SHAPES[1]!(i - 1) }); // outport = "p<i>"
    expect(abstractFlow(lf(25))!.verbatim).toEqual([]);
    for (const i of [1, 2]) {
      const want = full(c, lf(i), true)!;
      t.learn(abstractFlow(lf(i))!, want.flows, want.deps, scope);
    }
    for (const i of [25, 50]) {
      const got = t.instantiate(abstractFlow(lf(i))!, BigInt('0x' + uuid(i).slice(0, 8)), scope);
      expect(got?.flows).toEqual(full(c, lf(i), true)!.flows);
    }
  });

  it('keeps the shared parts a template does not replace', () => {
    const c = new Compiler(undefined, { cache: false });
    const { keys } = context();
    const t = new LflowTemplates();
    const scope = scopeOf(keys);
    const flows: CompiledFlow[][] = [];
    for (let i = 1; i <= 3; i++) {
      const lf: LogicalFlow = { uuid: uuid(i), ...SHAPES[1]!(i) };
      const a = abstractFlow(lf)!;
      const got = t.instantiate(a, 1n, scope);
      if (got) flows.push(got.flows);
      else t.learn(a, full(c, lf, false)!.flows, [`n:p${1 + (i % 150)}`], scope);
    }
    expect(flows).toHaveLength(1);
    const metadata = flows[0]![0]!.match.find((e) => e.field === 'metadata');
    const first = full(c, { uuid: uuid(9), ...SHAPES[1]!(9) }, false)!.flows[0]!.match.find(
      (e) => e.field === 'metadata',
    );
    expect(metadata).toBe(first);
  });

  it('serves every datapath of a kind from samples of two', () => {
    const c = new Compiler(undefined, { cache: false });
    const { keys } = context(true);
    const t = new LflowTemplates(true);
    // Port-tagged flows (their port's relatedness looked up), the same text on every datapath (a group's key
    // pinned), and a sample action whose userdata holds the datapath's key (never copied to another).
    const shapes: ((i: number) => Omit<LogicalFlow, 'uuid'>)[] = [
      (i) => ({
        pipeline: 'ingress',
        table: 8,
        priority: 50,
        match: `inport == "p${i}" && eth.src == ${mac(i)}`,
        actions: 'next;',
        ioPort: `p${i}`,
      }),
      () => ({
        pipeline: 'ingress',
        table: 25,
        priority: 70,
        match: 'eth.mcast',
        actions: 'outport = "_MC_flood"; output;',
      }),
      (i) => ({
        pipeline: 'ingress',
        table: 9,
        priority: 60,
        match: `ip4.dst == ${ip(i)}`,
        actions: 'sample(probability=65535,collector_set=1,obs_domain=2,obs_point=3); next;',
      }),
    ];
    const byShape = shapes.map(() => 0);
    let n = 0;
    for (let i = 1; i <= 150; i++)
      for (const [s, shape] of shapes.entries()) {
        const dpKey = 1 + (n++ % 40);
        const lf: LogicalFlow = { uuid: uuid(i), ...shape(i) };
        const want = full(c, lf, true, dpKey);
        const a = abstractFlow(lf)!;
        expect(a).toBeDefined();
        const scope = scopeOf(keys, dpKey);
        const got = t.instantiate(a, BigInt('0x' + lf.uuid.slice(0, 8)), scope);
        if (got) {
          byShape[s]!++;
          expect(got.flows).toEqual(want!.flows);
          expect(got.deps).toEqual(want!.deps);
        } else if (want) t.learn(a, want.flows, want.deps, scope);
      }
    // Unrelated ports (p100 on) compile in full, port keys coinciding with the text's numbers too.
    expect(byShape[0]).toBeGreaterThan(80);
    expect(byShape[1]).toBe(148);
    expect(byShape[2]).toBe(0);
  });

  it('learns a store of several datapaths only from two of them', () => {
    const c = new Compiler(undefined, { cache: false });
    const { keys } = context(true);
    const t = new LflowTemplates(true);
    const lf = (i: number): LogicalFlow => ({ uuid: uuid(i), ...SHAPES[0]!(i) });
    for (const i of [1, 2, 3]) t.learn(abstractFlow(lf(i))!, full(c, lf(i), true, 5)!.flows, [], scopeOf(keys, 5));
    expect(t.instantiate(abstractFlow(lf(4))!, 1n, scopeOf(keys, 5))).toBeUndefined();
    t.learn(abstractFlow(lf(5))!, full(c, lf(5), true, 6)!.flows, [], scopeOf(keys, 6));
    const got = t.instantiate(abstractFlow(lf(4))!, BigInt('0x' + uuid(4).slice(0, 8)), scopeOf(keys, 9));
    expect(got?.flows).toEqual(full(c, lf(4), true, 9)!.flows);
  });
});
