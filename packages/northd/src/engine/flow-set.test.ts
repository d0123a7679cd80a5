import { describe, expect, it } from 'vitest';
import { collect, FlowSet, NO_FLOWS, type FlowSpec } from './flow-set.js';

const unit = (...matches: string[]): readonly FlowSpec[] =>
  collect((add) => {
    for (const m of matches) add('ls_in_lb', 120, m, 'next;');
  });

/** The same unit changes, applied datapath by datapath (setUnit) or all at once (setUnitOn). */
function run(batched: boolean): { flows: string[]; touched: string[][] } {
  const fs = new FlowSet();
  const a = unit('ip4.dst == 10.0.0.1', 'ip4.dst == 10.0.0.2');
  const b = unit('ip4.dst == 10.0.0.1', 'ip4.dst == 10.0.0.3');
  const own = unit('ip4.dst == 10.0.0.2');
  const dps = ['s1', 's2', 's3', 's4'];
  const place = (on: string[], id: string, specs: readonly FlowSpec[]) => {
    if (batched) fs.setUnitOn(on, id, specs);
    else for (const dp of on) fs.setUnit(dp, id, specs);
  };
  fs.rebuild(() => {
    place(dps, 'lb:x', a);
    fs.setUnit('s4', 'core', own);
  });
  const touched: string[][] = [];
  const snap = () => [...fs.takeTouched()].sort();
  place(['s1', 's2', 's3'], 'lb:x', b); // s4 keeps a: the flows split between two datapath sets
  touched.push(snap());
  place(['s4', 's1'], 'lb:x', b); // s1 already has b; s4 keeps 10.0.0.2 through its own unit
  touched.push(snap());
  place(dps, 'lb:x', NO_FLOWS);
  touched.push(snap());
  const flows = fs.toArray().map((f) => `${f.key} @ ${f.dpKey}`);
  return { flows: flows.sort(), touched };
}

describe('FlowSet.setUnitOn', () => {
  it('counts and touches as setUnit on each datapath does', () => {
    const one = run(false);
    const all = run(true);
    expect(all).toEqual(one);
    expect(all.flows).toEqual([expect.stringContaining('10.0.0.2') as unknown as string]);
    expect(all.touched[2]!.length).toBe(2); // 10.0.0.1 and 10.0.0.3 gone
  });
});

describe('FlowSet balancer units (kept per id)', () => {
  it('lists, drops and retains them with the per-datapath units', () => {
    const fs = new FlowSet();
    fs.setUnit('s1', 'core', unit('ip4.dst == 10.0.0.9'));
    fs.setUnitOn(['s1', 's2'], 'lb:x', unit('ip4.dst == 10.0.0.1'));
    fs.setUnit('s1', 'lb:y', unit('ip4.dst == 10.0.0.2'));
    fs.setUnit('s1', 'lsp:p', unit('ip4.dst == 10.0.0.3'));
    // A datapath with balancer units only is known (unitsOf is its per-datapath part).
    expect(fs.unitsOf('s2')).toBeDefined();
    expect([...fs.unitsOf('s1')!.keys()].sort()).toEqual(['core', 'lsp:p']);
    expect(fs.unitIds('s1', 'lb:').sort()).toEqual(['lb:x', 'lb:y']);
    expect(fs.unitIds('s1', '').sort()).toEqual(['core', 'lb:x', 'lb:y', 'lsp:p']);
    expect(fs.unitIds('s2', 'lb:')).toEqual(['lb:x']);
    fs.retainUnits('s1', new Set(['core', 'lb:x']));
    expect(fs.unitIds('s1', '').sort()).toEqual(['core', 'lb:x']);
    const byKey = () => Object.fromEntries(fs.toArray().map((f) => [f.match, f.dpKey]));
    expect(byKey()).toEqual({ 'ip4.dst == 10.0.0.9': 's1', 'ip4.dst == 10.0.0.1': 's1,s2' });
    fs.dropDatapath('s1');
    expect(fs.unitIds('s1', '')).toEqual([]);
    expect(byKey()).toEqual({ 'ip4.dst == 10.0.0.1': 's2' });
    fs.dropUnit('s2', 'lb:x');
    expect(fs.toArray()).toEqual([]);
  });
});

describe('collect', () => {
  it('gives each flow its ioPort and copp only when added with them', () => {
    const specs = collect((add) => {
      add('ls_in_check_port_sec', 50, 'inport == "p1"', 'next;', 'p1');
      add('ls_in_acl', 1000, 'ip4', 'log(name="x"); next;', undefined, 'arp');
      add('ls_in_acl', 1001, 'ip4', 'log(name="y"); next;', 'p2', 'arp');
      add('ls_in_lb', 0, '1', 'next;');
      add('ls_in_lb', 0, '1', 'next;', 'p3'); // the same flow again: left out
    });
    expect(specs.map((s) => [s.match, 'ioPort' in s ? s.ioPort : '-', 'copp' in s ? s.copp : '-'])).toEqual([
      ['inport == "p1"', 'p1', '-'],
      ['ip4', '-', 'arp'],
      ['ip4', 'p2', 'arp'],
      ['1', '-', '-'],
    ]);
    expect(specs[0]).toMatchObject({
      stageName: 'ls_in_check_port_sec',
      pipeline: 'ingress',
      priority: 50,
      actions: 'next;',
    });
  });
});

describe('FlowSet.forEachFlow', () => {
  it('visits what toArray lists, in its order, with interned datapath sets', () => {
    const fs = new FlowSet();
    fs.rebuild(() => {
      fs.setUnitOn(['s1', 's2', 's3'], 'lb:x', unit('ip4.dst == 10.0.0.1', 'ip4.dst == 10.0.0.2'));
      fs.setUnit('s2', 'core', unit('ip4.dst == 10.0.0.9'));
    });
    fs.setUnit(
      's1',
      'lsp:p',
      collect((add) => add('ls_in_check_port_sec', 50, 'inport == "p"', 'next;', 'p')),
    );
    const seen: [FlowSpec, readonly string[], string][] = [];
    fs.forEachFlow((spec, dps, key) => seen.push([spec, dps, key]));
    const flows = fs.toArray();
    expect(seen.map(([s, dps, key]) => ({ key: s.key, dps, dpKey: key, ioPort: s.ioPort }))).toEqual(
      flows.map((f) => ({ key: f.key, dps: f.datapaths, dpKey: f.dpKey, ioPort: f.ioPort })),
    );
    expect(seen[0]![1]).toEqual(['s1', 's2', 's3']);
    expect(seen[1]![1]).toBe(seen[0]![1]); // one set, one array
    expect(seen[0]![2]).toBe('s1,s2,s3');
  });
});

describe('FlowSet.setUnits', () => {
  /** Balancer lists placed per unit (setUnit) or per list (setUnits), in a rebuild and after it. */
  function place(listed: boolean): { flows: string[]; ids: string[]; touched: string[] } {
    const fs = new FlowSet();
    const ids = ['lb:a', 'lb:b', 'lb:c'];
    const units = [unit('ip4.dst == 10.0.0.1'), unit('ip4.dst == 10.0.0.2'), NO_FLOWS];
    const put = (dp: string, is: readonly string[], us: readonly (readonly FlowSpec[])[]) => {
      if (listed) fs.setUnits(dp, is, us);
      else is.forEach((id, k) => fs.setUnit(dp, id, us[k]!));
    };
    fs.rebuild(() => {
      fs.setUnit('s1', 'core', unit('ip4.dst == 10.0.0.1'));
      put('s1', ids, units);
      put('s2', ids, units);
      put('s2', ['lb:a'], [unit('ip4.dst == 10.0.0.3')]); // not new on s2: replaced
    });
    put('s3', ids.slice(0, 2), units.slice(0, 2)); // tracked
    const touched = [...fs.takeTouched()].sort();
    return {
      flows: fs
        .toArray()
        .map((f) => `${f.match} @ ${f.dpKey}`)
        .sort(),
      ids: ['s1', 's2', 's3'].map((dp) => fs.unitIds(dp, '').sort().join(' ')),
      touched,
    };
  }

  it('places a list as setUnit on each unit does', () => {
    const listed = place(true);
    expect(listed).toEqual(place(false));
    expect(listed.flows).toEqual([
      'ip4.dst == 10.0.0.1 @ s1,s3',
      'ip4.dst == 10.0.0.2 @ s1,s2,s3',
      'ip4.dst == 10.0.0.3 @ s2',
    ]);
    expect(listed.ids).toEqual(['core lb:a lb:b', 'lb:a lb:b', 'lb:a lb:b']);
  });
});
