// Every command ovnts-nbctl parses has an implementation, so the "not implemented" guard in main.ts
// can only fire for a syntax table that drifted from the command modules.
import { describe, expect, it } from 'vitest';
import { loadGroup } from './execute.js';
import { COMMANDS } from './syntax.js';

describe('ovnts-nbctl command table', () => {
  it('implements every command it parses', async () => {
    const missing: string[] = [];
    for (const [name, syntax] of COMMANDS) {
      const mod = (await loadGroup(syntax.group)) as { commands?: Record<string, unknown> };
      if (typeof mod.commands?.[name] !== 'function') missing.push(`${syntax.group}:${name}`);
    }
    expect(missing).toEqual([]);
    expect(COMMANDS.size).toBeGreaterThan(100);
  });
});
