import { describe, expect, it } from 'vitest';
import { portUpUpdates, type PortUpInput } from './port-up.js';
import { NbBuilder } from './testing/nb-builder.js';

describe('portUpUpdates', () => {
  it('marks router ports up, bound ports up (or per Port_Binding.up with port-up notifications)', () => {
    const b = new NbBuilder()
      .ls('ls1')
      .vif('ls1', 'p1', '02:00:00:00:00:01')
      .vif('ls1', 'p2', '02:00:00:00:00:02')
      .vif('ls1', 'p3', '02:00:00:00:00:03');
    b.lsp('ls1', 'r1', { type: 'router', addresses: ['router'], options: { 'router-port': 'x' } });
    b.lsps.get('p3')!.up = false;
    const pb = (logical_port: string, chassis: string | null, up: boolean | null) => [
      logical_port,
      { _uuid: logical_port, logical_port, chassis, up },
    ];
    const sb = {
      Port_Binding: new Map([
        pb('p1', 'c-old', null),
        pb('p2', 'c-new', false),
        pb('p3', null, false),
        pb('r1', null, null),
      ] as never),
      Chassis: new Map([
        ['c-old', { _uuid: 'c-old', other_config: {} }],
        ['c-new', { _uuid: 'c-new', other_config: { 'port-up-notif': 'true' } }],
      ] as never),
    } as PortUpInput;
    const nb = b.build();
    const uuid = (n: string) => b.lsps.get(n)!._uuid;
    // p3 is already down in NB: no write for it.
    expect(portUpUpdates(nb, sb)).toEqual(
      [
        { uuid: uuid('p1'), up: true },
        { uuid: uuid('p2'), up: false },
        { uuid: uuid('r1'), up: true },
      ].sort((a, c) => (a.uuid < c.uuid ? -1 : 1)),
    );
  });
});
