import { describe, expect, it } from 'vitest';
import { columnDecoder, decodeDatum } from './datum.js';
import type { ColumnType } from './schema.js';
import { shareUuid, sharedUuidCount } from './shared-uuid.js';

const U = '9f1047d9-0bd2-4108-b545-6f2bdbf99e2c';
const V = '68d65da9-de71-4aaa-807f-f4b06d633931';
const ref: ColumnType = { key: { type: 'uuid', refTable: 'T' }, min: 1, max: 1 };
const refSet: ColumnType = { key: { type: 'uuid', refTable: 'T' }, min: 0, max: Infinity };

describe('shareUuid', () => {
  it('hands out equal values, holding each value once per synchronous run', async () => {
    await Promise.resolve();
    expect(sharedUuidCount()).toBe(0);
    const dec = columnDecoder(ref);
    // Each wire value is a string of its own (as JSON.parse makes them).
    const wire = () => JSON.parse(JSON.stringify(['uuid', U])) as unknown;
    const got = [
      dec(wire()),
      dec(wire()),
      decodeDatum(refSet, [
        'set',
        [
          ['uuid', U],
          ['uuid', V],
        ],
      ]),
    ];
    expect(got).toEqual([U, U, [U, V]]);
    expect(sharedUuidCount()).toBe(2);
    expect(shareUuid(U)).toBe(U);
    // Emptied at the next microtask checkpoint: nothing is kept between runs.
    await Promise.resolve();
    expect(sharedUuidCount()).toBe(0);
    expect(shareUuid(V)).toBe(V);
    expect(sharedUuidCount()).toBe(1);
    await Promise.resolve();
    expect(sharedUuidCount()).toBe(0);
  });
});
