// ovn-controller's control commands on a fake controller: texts, argument checks, and the commands that
// drive the controller (pause/resume, recompute, cache flush, nb_cfg delay).
import { describe, expect, it } from 'vitest';
import { UnixctlServer } from '@ovnts/daemon';
import { type ControllerControl, registerControllerCommands } from './appctl.js';

function fake() {
  const calls: string[] = [];
  let paused = false;
  const c: ControllerControl = {
    localBindingsText: () => 'Local bindings:\n',
    ctZones: () => new Map([['lp1', 3]]),
    groupNames: () =>
      new Map([
        ['type=select,b', 2],
        ['type=all,a', 1],
      ]),
    meterNames: () => new Map(),
    sbConnected: () => true,
    get paused() {
      return paused;
    },
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    forceRecompute: (flush) => void calls.push(`recompute ${flush}`),
    counter: (n) => (n === 'lflow_run' ? 2 : 0),
    counters: () => new Map([['lflow_run', 2]]),
    lflowCacheStats: () => ({ entries: 5, hits: 1, misses: 5 }),
    engineStats: () => 'Node: lflow_output\n- recompute:            1\n',
    clearEngineStats: () => void calls.push('clear-stats'),
    delayNbCfgReport: (s) => void calls.push(`delay ${s}`),
    injectPacket: async (m) => {
      if (!m.includes('inport')) throw new Error('ingress port not found on hypervisor.');
    },
  };
  const ctl = new UnixctlServer('/nonexistent', 'v');
  registerControllerCommands(ctl, () => c);
  return { ctl, calls };
}

describe('controller appctl commands', () => {
  it('answer with ovn-controller’s texts', async () => {
    const { ctl } = fake();
    expect((await ctl.run('connection-status', [])).result).toBe('connected\n');
    expect((await ctl.run('ct-zone-list', [])).result).toBe('lp1 3\n');
    expect((await ctl.run('group-table-list', [])).result).toBe('type=all,a: 1\ntype=select,b: 2\n');
    expect((await ctl.run('coverage/read-counter', ['lflow_run'])).result).toBe('2\n');
    expect((await ctl.run('coverage/read-counter', ['nope'])).result).toBe('0\n');
    expect((await ctl.run('debug/ignore-startup-delay', [])).result).toBe('');
    expect((await ctl.run('lflow-cache/show-stats', [])).result).toContain('total           : 5\n');
  });

  it('pause, status and resume', async () => {
    const { ctl } = fake();
    expect((await ctl.run('debug/status', [])).result).toBe('running\n');
    await ctl.run('debug/pause', []);
    expect((await ctl.run('debug/status', [])).result).toBe('paused\n');
    await ctl.run('debug/resume', []);
    expect((await ctl.run('debug/status', [])).result).toBe('running\n');
  });

  it('recompute, cache flush and the nb_cfg delay reach the controller', async () => {
    const { ctl, calls } = fake();
    await ctl.run('recompute', []);
    await ctl.run('lflow-cache/flush', []);
    expect((await ctl.run('debug/delay-nb-cfg-report', ['2'])).result).toBe('delay nb_cfg report for 2 seconds.\n');
    expect((await ctl.run('debug/delay-nb-cfg-report', ['x'])).error).toBe('unsigned integer required\n');
    expect(calls).toEqual(['recompute false', 'recompute true', 'delay 2']);
  });

  it('inject-pkt errors come back as the command’s error', async () => {
    const { ctl } = fake();
    expect((await ctl.run('inject-pkt', ['eth.src==f0:00:00:00:00:01'])).error).toBe(
      'ingress port not found on hypervisor.\n',
    );
    expect((await ctl.run('inject-pkt', ['inport=="a"'])).error).toBeNull();
  });
});
