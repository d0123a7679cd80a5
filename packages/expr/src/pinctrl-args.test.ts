// put_nd_ra_opts option encodings that carry text: the DNS search list (RFC 8106) and route information
// (RFC 4191), as bytes of the prebuilt Router Advertisement.
import { describe, expect, it } from 'vitest';
import { ndRaBody } from './pinctrl-args.js';

const text = (name: string, s: string) => ({
  name,
  values: { type: 'string' as const, values: [s], inCurlies: false },
});

describe('ndRaBody', () => {
  it('dnssl: labels of each domain, padded to 8-byte units', () => {
    const body = ndRaBody([text('dnssl', 'aa.bb.cc')]);
    const opt = Buffer.from(body.slice(16));
    expect(opt.toString('hex')).toBe('1f030000ffffffff' + '02616102626202636300' + '000000000000');
  });

  it('route_info: one option per PRF-prefix, prefix truncated to 64-bit words', () => {
    const body = ndRaBody([text('route_info', 'HIGH-aef1::11/48,LOW-aef2::11/96')]);
    const opt = Buffer.from(body.slice(16));
    expect(opt.subarray(0, 16).toString('hex')).toBe('180230' + '08' + 'ffffffff' + 'aef1000000000000');
    expect(opt.subarray(16).toString('hex')).toBe(
      '180360' + '18' + 'ffffffff' + 'aef2000000000000' + '0000000000000000',
    );
  });
});
