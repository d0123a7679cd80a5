import { describe, expect, it } from 'vitest';
import { showStats } from './commands.js';

const ALL =
  'Node: NB_acl\n- recompute:            2\n- compute:              5\n- abort:                0\n' +
  'Node: lflow\n- recompute:            1\n- compute:              7\n- abort:                0\n';

describe('inc-engine/show-stats NODE STAT', () => {
  it("answers as ovn-northd: every node, one node's block, or one bare number", () => {
    expect(showStats(ALL)).toBe(ALL);
    expect(showStats(ALL, 'lflow')).toBe(
      'Node: lflow\n- recompute:            1\n- compute:              7\n- abort:                0\n',
    );
    expect(showStats(ALL, 'lflow', 'compute')).toBe('7');
    expect(showStats(ALL, 'NB_acl', 'recompute')).toBe('2');
    expect(showStats(ALL, 'lflow', 'bogus')).toBe('Invalid stat type : bogus');
    expect(showStats(ALL, 'nosuchnode', 'recompute')).toBe('');
  });
});
