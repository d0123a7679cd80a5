// MAC_Binding aging: which rows a pass deletes, when the next pass is due, the removal limit.
import { describe, expect, it } from 'vitest';
import type { Uuid } from 'ovsdb-client-ts';
import { BULK_REMOVAL_DELAY_MS, agedMacBindings, agingRouters, smapUint } from './mac-binding-aging.js';

const row = (n: number, datapath: string, timestamp: number) => ({
  _uuid: `mb-${n}` as Uuid<'MAC_Binding'>,
  datapath,
  timestamp,
});

describe('agedMacBindings', () => {
  const thresholds = new Map([['lr', 60_000]]);
  const t = (dp: string) => thresholds.get(dp);

  it('deletes rows past their router threshold, keeps the others and says when the next one is due', () => {
    const now = 1_000_000;
    const pass = agedMacBindings(
      [row(1, 'lr', now - 60_000), row(2, 'lr', now - 50_000), row(3, 'ls', now - 999_000), row(4, 'lr', now + 5)],
      t,
      now,
      0,
    );
    expect(pass.expired).toEqual(['mb-1']); // a switch's rows do not age; a future stamp is left alone
    expect(pass.nextCheckMs).toBe(10_000);
  });

  it('nothing to wait for without aging rows', () => {
    expect(agedMacBindings([row(1, 'ls', 0)], t, 10, 0)).toEqual({ expired: [], nextCheckMs: undefined });
  });

  it('mac_binding_removal_limit: a full batch, then the next pass after the bulk delay', () => {
    const rows = [1, 2, 3].map((n) => row(n, 'lr', 0));
    expect(agedMacBindings(rows, t, 100_000, 2)).toEqual({
      expired: ['mb-1', 'mb-2'],
      nextCheckMs: BULK_REMOVAL_DELAY_MS,
    });
  });
});

describe('smapUint', () => {
  it('reads a whole number as smap_get_uint does, 0 otherwise', () => {
    expect(smapUint({ a: '30' }, 'a')).toBe(30);
    expect(smapUint({ a: ' 7' }, 'a')).toBe(7);
    expect(smapUint({ a: '7s' }, 'a')).toBe(0);
    expect(smapUint({ a: 'x' }, 'a')).toBe(0);
    expect(smapUint(undefined, 'a')).toBe(0);
  });
});

describe('agingRouters', () => {
  it('lists the routers with a threshold, in seconds, as smapUint reads it', () => {
    const lr = (u: string, t?: string): { _uuid: string; options: Record<string, string> } => ({
      _uuid: u,
      options: t === undefined ? {} : { mac_binding_age_threshold: t },
    });
    expect(agingRouters([lr('a', '30'), lr('b'), lr('c', '0'), lr('d', 'x'), lr('e', ' 5')])).toEqual([
      { uuid: 'a', thresholdS: 30 },
      { uuid: 'e', thresholdS: 5 },
    ]);
  });
});
