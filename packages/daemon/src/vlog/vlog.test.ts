import { describe, expect, it } from 'vitest';
import { Vlog } from './vlog.js';
import { vlogLogger } from './pino-stream.js';
import { VLOG_FILE_LINE } from './format.js';

function capture(json = false) {
  const lines: string[] = [];
  const vlog = new Vlog({ program: 'ovn-northd', modules: ['ovn_northd'], consoleFd: (l) => lines.push(l), json });
  return { vlog, lines };
}

describe('Vlog', () => {
  it('filters per module and destination, and lists levels as vlog/list does', () => {
    const { vlog, lines } = capture();
    vlog.apply('console:warn');
    vlog.apply('jsonrpc:console:dbg');
    vlog.log('ovn_northd', 'info', 'hidden');
    vlog.log('ovn_northd', 'warn', 'shown');
    vlog.log('jsonrpc', 'dbg', 'rpc');
    expect(lines.map((l) => l.split('|').slice(1).join('|'))).toEqual([
      '00001|ovn_northd|WARN|shown\n',
      '00002|jsonrpc|DBG|rpc\n',
    ]);
    const list = vlog.listLevels();
    expect(list).toMatch(/^ {17}console {4}syslog {4}file\n/);
    expect(list).toMatch(/^jsonrpc {12}DBG {7}INFO {7}INFO$/m);
    expect(list).toMatch(/^ovn_northd {8}WARN {7}INFO {7}INFO$/m);
    expect(() => vlog.apply('nosuchmodule:dbg')).toThrow('no destination, level, or module "nosuchmodule"');
  });

  it('formats pino records (module binding, extra fields) and drops what no destination wants', () => {
    const { vlog, lines } = capture();
    const log = vlogLogger(vlog, {
      defaultModule: 'ovn_northd',
      components: { 'ovsdb-client': ['reconnect', 'jsonrpc'] },
    });
    log.info({ n: 3, why: 'a b' }, 'SB updated');
    log.child({ component: 'ovsdb-client' }).info('connected');
    log.child({ module: 'inc_proc_eng' }).warn('slow');
    log.debug('not wanted');
    // Callers building costly debug fields ask first; children answer the same.
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.child({ component: 'ovsdb-client' }).isLevelEnabled('debug')).toBe(false);
    expect(log.isLevelEnabled('info')).toBe(true);
    expect(lines.map((l) => l.slice(l.indexOf('|') + 1))).toEqual([
      '00001|ovn_northd|INFO|SB updated (n=3, why="a b")\n',
      '00002|reconnect|INFO|connected\n',
      '00003|ovn_northd|WARN|slow\n',
    ]);
    vlog.apply('dbg');
    expect(log.child({ component: 'ovsdb-client' }).isLevelEnabled('debug')).toBe(true);
    log.debug('wanted now');
    expect(lines.at(-1)).toMatch(/\|ovn_northd\|DBG\|wanted now\n$/);
    log.child({ component: 'ovsdb-client' }).debug('send request');
    expect(lines.at(-1)).toMatch(/\|jsonrpc\|DBG\|send request\n$/);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|/);
    expect(lines.length).toBe(5);
    expect('2026-12-06T09:40:23.123Z|00001|ovn_northd|INFO|x').toMatch(VLOG_FILE_LINE);
  });

  it('writes JSON lines with --log-format=json', () => {
    const { vlog, lines } = capture(true);
    vlogLogger(vlog, { defaultModule: 'ovn_northd' }).info({ full: true }, 'SB updated');
    vlog.log('vlog', 'info', 'direct');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'SB updated', full: true });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 30, msg: 'direct', module: 'vlog' });
  });
});
