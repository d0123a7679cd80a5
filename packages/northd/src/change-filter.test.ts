import { describe, expect, it } from 'vitest';
import { affectsCompile, lspUpMatters, sbHandledIncrementally } from './change-filter.js';

const mod = (table: string, old: Record<string, unknown>, nw: Record<string, unknown>) => ({
  kind: 'modify' as const,
  table,
  old,
  new: nw,
});

describe('affectsCompile', () => {
  it('ignores handshake counters, port up state and controller-owned binding columns', () => {
    expect(
      affectsCompile(mod('NB_Global', { nb_cfg: 1, sb_cfg: 0, options: {} }, { nb_cfg: 2, sb_cfg: 1, options: {} })),
    ).toBe(false);
    expect(affectsCompile(mod('Logical_Switch_Port', { up: false, name: 'a' }, { up: true, name: 'a' }))).toBe(false);
    expect(affectsCompile(mod('Port_Binding', { chassis: null, up: false }, { chassis: 'c1', up: true }))).toBe(false);
    expect(affectsCompile({ kind: 'insert', table: 'Chassis_Private', old: undefined, new: {} })).toBe(false);
  });
  it('recompiles for anything the compiler reads', () => {
    expect(affectsCompile(mod('NB_Global', { options: {} }, { options: { svc_monitor_mac: 'x' } }))).toBe(true);
    expect(affectsCompile(mod('Logical_Switch_Port', { addresses: [] }, { addresses: ['unknown'] }))).toBe(true);
    expect(affectsCompile(mod('Port_Binding', { tunnel_key: 1 }, { tunnel_key: 2 }))).toBe(true);
    expect(affectsCompile(mod('Port_Binding', { up: false }, { up: null }))).toBe(true);
    expect(affectsCompile({ kind: 'delete', table: 'Port_Binding', old: {}, new: undefined })).toBe(true);
    expect(affectsCompile(mod('Encap', { type: 'geneve' }, { type: 'vxlan' }))).toBe(true);
  });
  it("recompiles when ovn-controller binds or releases a virtual port (its routers resolve the address to the parent's MAC)", () => {
    const vp = (chassis: string | null, virtual_parent: string | null) => ({
      type: 'virtual',
      chassis,
      virtual_parent,
      up: true,
    });
    expect(affectsCompile(mod('Port_Binding', vp(null, null), vp('c1', 'p1')))).toBe(true);
    expect(affectsCompile(mod('Port_Binding', vp('c1', 'p1'), vp('c1', 'p2')))).toBe(true);
    expect(affectsCompile(mod('Port_Binding', vp('c1', 'p1'), vp(null, null)))).toBe(true);
    expect(affectsCompile(mod('Port_Binding', vp('c1', 'p1'), { ...vp('c1', 'p1'), up: false }))).toBe(false);
    // The routers node takes a claim through its handler; anything else changed with it is a full round.
    expect(sbHandledIncrementally(mod('Port_Binding', vp(null, null), vp('c1', 'p1')))).toBe(true);
    expect(sbHandledIncrementally(mod('Port_Binding', vp('c1', 'p1'), { ...vp('c1', 'p2'), up: false }))).toBe(true);
    expect(sbHandledIncrementally(mod('Port_Binding', vp('c1', 'p1'), { ...vp('c1', 'p2'), tunnel_key: 7 }))).toBe(
      false,
    );
    expect(sbHandledIncrementally(mod('Port_Binding', vp('c1', 'p1'), { ...vp('c1', 'p1'), up: null }))).toBe(false);
    expect(sbHandledIncrementally(mod('Port_Binding', { ...vp(null, null), type: '' }, vp('c1', 'p1')))).toBe(false);
  });
  it("reads a port's up state when NB_Global options:ignore_lsp_down=false", () => {
    expect(lspUpMatters({ options: { ignore_lsp_down: 'false' } })).toBe(true);
    expect(lspUpMatters({ options: { ignore_lsp_down: 'true' } })).toBe(false);
    expect(lspUpMatters({ options: {} })).toBe(false);
    expect(lspUpMatters(undefined)).toBe(false);
    expect(affectsCompile(mod('Logical_Switch_Port', { up: false, name: 'a' }, { up: true, name: 'a' }), true)).toBe(
      true,
    );
  });
  it('hands health check verdicts to the engine; other Service_Monitor writes are overwritten in full', () => {
    const m = { logical_port: 'p', ip: '10.0.0.3', port: 80, protocol: 'tcp', src_ip: '10.0.0.2', status: null };
    expect(sbHandledIncrementally(mod('Service_Monitor', m, { ...m, status: 'offline' }))).toBe(true);
    expect(affectsCompile(mod('Service_Monitor', m, { ...m, status: 'offline' }))).toBe(true);
    expect(sbHandledIncrementally(mod('Service_Monitor', m, { ...m, src_ip: '10.0.0.9' }))).toBe(false);
    expect(sbHandledIncrementally({ kind: 'delete', table: 'Service_Monitor', old: m, new: undefined })).toBe(false);
    expect(sbHandledIncrementally(mod('Encap', { type: 'geneve' }, { type: 'vxlan' }))).toBe(true);
    expect(sbHandledIncrementally(mod('Port_Binding', { tunnel_key: 1 }, { tunnel_key: 2 }))).toBe(false);
  });
});
