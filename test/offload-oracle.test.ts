// The acceptance oracle on recorded ofproto/trace outputs: its rules, checked apart from the pass.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { oracle, rawPasses } from './offload-oracle.js';

const fx = (n: string) => readFileSync(new URL(`../packages/offload/fixtures/${n}`, import.meta.url), 'utf8');

describe('offload acceptance oracle', () => {
  it('ARP responder: slow path on every profile', () => {
    expect(rawPasses(fx('arp.trace.txt'))[0]!.slow).toBe(true);
    for (const p of ['tc-flower', 'mlx5-cx5', 'mlx5-cx6dx', 'dpdk-rte-flow'] as const)
      expect(oracle(fx('arp.trace.txt'), p, 'est', false)).toEqual({ verdict: 'not', reason: 'slow_path set(arp)' });
  });

  it('dp_hash LB, new connection: TC refuses the hash pass; rte_flow takes the first pass as MARK+RSS', () => {
    const t = fx('lbnew.trace.txt');
    expect(oracle(t, 'tc-flower', 'new', false)).toEqual({ verdict: 'not', reason: 'action hash' });
    expect(oracle(t, 'dpdk-rte-flow', 'new', false)).toEqual({ verdict: 'partial', reason: 'action ct(nat)' });
  });

  it('gateway_mtu: the check_pkt_len branch to the controller refuses the pass on TC; oversize takes that branch', () => {
    const t = fx('snat.trace.txt');
    expect(oracle(t, 'mlx5-cx6dx', 'est', false)).toEqual({ verdict: 'not', reason: 'action userspace(controller)' });
    expect(oracle(t, 'tc-flower', 'est', true)).toEqual({ verdict: 'not', reason: 'action userspace(controller)' });
  });

  it('routed, established: every pass accepted by TC; new connections are partial (act_ct)', () => {
    const t = fx('routedest.trace.txt');
    expect(oracle(t, 'tc-flower', 'est', false)).toEqual({ verdict: 'offloadable', reason: '' });
    expect(oracle(t, 'tc-flower', 'new', false)).toEqual({ verdict: 'partial', reason: 'action ct(nat)' });
  });
});
