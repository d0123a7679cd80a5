import { describe, expect, it } from 'vitest';
import { NbMirror } from './nb-mirror.js';

describe('NbMirror.startsBatch', () => {
  it('ends a batch before deleting a root row that non-root rows reference strongly', () => {
    // NAT (non-root) references Address_Set; LSP (non-root) references HA_Chassis_Group.
    expect(NbMirror.startsBatch([{ op: 'delete', table: 'Address_Set', where: [] }])).toBe(true);
    expect(NbMirror.startsBatch([{ op: 'delete', table: 'HA_Chassis_Group', where: [] }])).toBe(true);
  });

  it('keeps other edits in the batch', () => {
    expect(NbMirror.startsBatch([{ op: 'delete', table: 'Logical_Switch', where: [] }])).toBe(false);
    expect(NbMirror.startsBatch([{ op: 'insert', table: 'Address_Set', row: {} }])).toBe(false);
  });
});
