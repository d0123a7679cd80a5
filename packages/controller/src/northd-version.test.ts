import { describe, expect, it } from 'vitest';
import { OVN_INTERNAL_VERSION } from '@ovnts/daemon';
import { checkNorthdVersion, mismatchMessage } from './northd-version.js';

describe('ovn-match-northd-version', () => {
  const on = { 'ovn-match-northd-version': 'true' };
  it('checks only when asked, against SB_Global options:northd_internal_version', () => {
    expect(checkNorthdVersion({}, { northd_internal_version: 'foo' })).toEqual({ match: true });
    expect(checkNorthdVersion(on, { northd_internal_version: OVN_INTERNAL_VERSION })).toEqual({ match: true });
    expect(checkNorthdVersion(on, { northd_internal_version: 'foo' })).toEqual({ match: false, northd: 'foo' });
    expect(checkNorthdVersion(on, {})).toEqual({ match: false, northd: '' });
    expect(checkNorthdVersion(on, undefined)).toEqual({ match: false, northd: undefined });
  });
  it('words the warning as ovn-controller does', () => {
    expect(mismatchMessage('foo', '23.03.1-20.27.0-70.6')).toBe(
      'controller version - 23.03.1-20.27.0-70.6 mismatch with northd version - foo',
    );
  });
});
