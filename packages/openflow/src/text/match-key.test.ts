import { describe, expect, it } from 'vitest';
import { matchKey, parseFlow } from '../index.js';

const key = (text: string) => matchKey(parseFlow(`${text} actions=drop`).match);

describe('matchKey', () => {
  it('writes a full mask by its width, any other mask in hex', () => {
    expect(key('metadata=0x5')).toBe('metadata=5/#64');
    expect(key('reg14=0x200/0xff00')).toBe('reg14=200/ff00');
    expect(key('reg14=0x2/0xff')).toBe('reg14=2/#8');
  });

  it('is equal for matches OVS treats as one and different otherwise', () => {
    // A field's full mask written out is the plain field; a shorter low mask is not.
    expect(key('reg14=0x2/0xffffffff')).toBe(key('reg14=0x2'));
    expect(key('reg14=0x2/0xffff')).not.toBe(key('reg14=0x2'));
    // xreg0 folds into reg0 and reg1 (the slower path when two entries share a slot).
    expect(key('xreg0=0x100000002')).toBe(key('reg0=0x1,reg1=0x2'));
    expect(key('reg0=0x1,reg0=0x1')).toBe(key('reg0=0x1'));
    expect(key('ip,nw_tos=4')).toBe(key('ip,nw_tos=4'));
  });
});
