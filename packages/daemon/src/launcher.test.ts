import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherShebang, parseShebang } from '../launcher.js';

describe('launcher shebang', () => {
  it('reads node flags after env -S', () => {
    expect(parseShebang('#!/usr/bin/env -S node --max-semi-space-size=2 --heap-growing-percent=20')).toEqual({
      env: {},
      nodeFlags: ['--max-semi-space-size=2', '--heap-growing-percent=20'],
    });
  });

  it('reads environment settings before node', () => {
    expect(parseShebang('#!/usr/bin/env -S MALLOC_ARENA_MAX=2 A_B=x=y node --expose-gc  ')).toEqual({
      env: { MALLOC_ARENA_MAX: '2', A_B: 'x=y' },
      nodeFlags: ['--expose-gc'],
    });
  });

  it('takes plain node with or without -S', () => {
    expect(parseShebang('#!/usr/bin/env node')).toEqual({ env: {}, nodeFlags: [] });
    expect(parseShebang('#!/usr/bin/env -S node')).toEqual({ env: {}, nodeFlags: [] });
  });

  it('refuses what is not such a line', () => {
    expect(parseShebang('#!/usr/bin/env node --flag')).toBeUndefined(); // one argument to env without -S
    expect(parseShebang('#!/usr/bin/env -S python3')).toBeUndefined();
    expect(parseShebang('#!/bin/sh')).toBeUndefined();
    expect(parseShebang('// comment')).toBeUndefined();
  });

  it('reads the first line of a file and names it when it is wrong', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'launcher-'));
    const ok = path.join(dir, 'ok.js');
    writeFileSync(ok, '#!/usr/bin/env -S X=1 node --a\n// rest\n');
    expect(launcherShebang(ok)).toEqual({ env: { X: '1' }, nodeFlags: ['--a'] });
    const bad = path.join(dir, 'bad.js');
    writeFileSync(bad, '// no shebang\n');
    expect(() => launcherShebang(bad)).toThrow(/bad\.js: expected/);
  });
});
