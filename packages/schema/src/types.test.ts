// Type-level tests: `npm test` runs `tsc` over this file first, so each @ts-expect-error must really be an error.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { asUuid, columnKind, type Insert, type Uuid } from 'ovsdb-client-ts';
import type { LogicalSwitch, LogicalSwitchPort, Tables } from './nb.js';
import { model, schema, SCHEMA_VERSION } from './nb.js';
import * as sb from './sb.js';

describe('generated NB types', () => {
  it('types columns exactly', () => {
    expectTypeOf<LogicalSwitch['name']>().toEqualTypeOf<string>();
    expectTypeOf<LogicalSwitch['ports']>().toEqualTypeOf<Uuid<'Logical_Switch_Port'>[]>();
    expectTypeOf<LogicalSwitchPort['tag']>().toEqualTypeOf<number | null>();
    expectTypeOf<LogicalSwitchPort['options']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<Tables['Logical_Switch']>().toEqualTypeOf<LogicalSwitch>();
    expect(SCHEMA_VERSION).toBe('7.0.0');
  });

  it('rejects a wrong column type or an unknown column at compile time', () => {
    const ls: Insert<LogicalSwitch> = { name: 'ls1', other_config: { subnet: '10.0.0.0/8' } };
    // @ts-expect-error name is a string, not a number
    const bad1: Insert<LogicalSwitch> = { name: 1 };
    // @ts-expect-error no such column
    const bad2: Insert<LogicalSwitch> = { nmae: 'ls1' };
    // @ts-expect-error a port reference is not a router reference
    const bad3: Insert<LogicalSwitch> = { ports: [asUuid<'Logical_Router'>('00000000-0000-0000-0000-000000000001')] };
    // @ts-expect-error enums are string unions
    const bad4: Insert<sb.PortBinding> = { type: 'patch', up: 'yes' };
    expect([ls, bad1, bad2, bad3, bad4]).toHaveLength(5);
  });

  it('carries runtime metadata for codecs', () => {
    expect(model.name).toBe('OVN_Northbound');
    const ports = schema.tables['Logical_Switch']!.columns['ports']!;
    expect(columnKind(ports.type)).toBe('set');
    expect(ports.type.key.refTable).toBe('Logical_Switch_Port');
    expect(schema.tables['Logical_Switch_Port']!.isRoot).toBe(false);
    expect(sb.schema.tables['Datapath_Binding']!.indexes).toEqual([['tunnel_key']]);
  });
});
