import { describe, expect, it } from 'vitest';
import { DEFAULT_PATTERNS, formatVlog, strftimeMs, VLOG_FILE_LINE, type LogRecord } from './format.js';

const rec: LogRecord = {
  module: 'ovn_northd',
  level: 'info',
  message: 'ovn-northd lock acquired. This ovn-northd instance is now active.\n',
  timeMs: Date.UTC(2026, 11, 6, 9, 40, 23, 123),
  seq: 19,
  program: 'ovn-northd',
  pid: 4242,
  uptimeMs: 1500.7,
  hostname: 'hv1',
};

describe('vlog line format', () => {
  it('renders the default file and console patterns as OVS does', () => {
    expect(formatVlog(DEFAULT_PATTERNS.file, rec)).toBe(
      '2026-12-06T09:40:23.123Z|00019|ovn_northd|INFO|ovn-northd lock acquired. This ovn-northd instance is now active.',
    );
    expect(formatVlog(DEFAULT_PATTERNS.console, { ...rec, level: 'dbg', seq: 123456 })).toBe(
      '2026-12-06T09:40:23Z|123456|ovn_northd|DBG|ovn-northd lock acquired. This ovn-northd instance is now active.',
    );
    expect(formatVlog(DEFAULT_PATTERNS.file, rec)).toMatch(VLOG_FILE_LINE);
  });

  it('pads and justifies fields, and knows the other conversions', () => {
    expect(formatVlog('[%-10p][%5N][%05P]', rec)).toBe('[INFO      ][   19][04242]');
    expect(formatVlog('%A %E %r %t %B %c{x}|%n|%%|%q', { ...rec, level: 'err' })).toBe(
      'ovn-northd hv1 1500 main 131 ovn_northd|\n|%|q',
    );
  });

  it('formats times with strftime conversions and # for milliseconds', () => {
    expect(strftimeMs('%Y-%m-%d %H:%M:%S.###', rec.timeMs, true)).toBe('2026-12-06 09:40:23.123');
    expect(strftimeMs('%h %e %T.#', rec.timeMs, true)).toBe('Dec  6 09:40:23.1');
    expect(strftimeMs('#####', rec.timeMs, true)).toBe('12300');
  });
});
