import { describe, expect, it } from 'vitest';
import type { DpAction, DpPass, MatchTrait } from './datapath.js';
import { UnknownProfileError } from './errors.js';
import { judgeClass, judgePass } from './judge.js';
import { getProfile, PROFILE_IDS, PROFILES } from './profiles.js';

const pass = (actions: DpAction[], matches: MatchTrait[] = []): DpPass => ({ matches: new Set(matches), actions });
const out: DpAction = { kind: 'output', port: '1' };
const verdict = (profile: string, ...passes: DpPass[]) => judgeClass(getProfile(profile), { est: passes }).est;
const ct = (commit = false, nat = false): DpAction => ({ kind: 'ct', commit, nat, helper: false });

describe('NIC profiles', () => {
  it('every rule cites OVS 3.1 code or vendor documentation', () => {
    for (const p of Object.values(PROFILES)) {
      for (const r of [...Object.values(p.actions), ...Object.values(p.matches), p.otherAction]) {
        expect(r!.source).toMatch(/OVS v3\.1\.0 lib\/netdev-offload-(tc|dpdk)\.c|NVIDIA|Kube-OVN/);
        expect(r!.note.length).toBeGreaterThan(3);
      }
      for (const r of [p.ctNew, p.maxCtPerRule?.rule]) {
        if (!r) continue;
        expect(r.source).toMatch(/OVS v3\.1\.0|Linux|NVIDIA/);
        expect(r!.note.length).toBeGreaterThan(3);
      }
    }
  });

  it('CT-NAT by NIC generation: ConnectX-5 and ConnectX-6 Dx both translate established connections, per the mlx5 driver', () => {
    for (const id of ['mlx5-cx5', 'mlx5-cx6dx'] as const) {
      const rule = getProfile(id).actions['ct:nat']!;
      expect(rule.support, id).toBe('full');
      expect(rule.source).toMatch(/mlx5\/core\/en\/tc_ct\.c mlx5_tc_ct_entry_create_nat\(\)/);
      expect(getProfile(id).requirements.join('\n')).toMatch(/tc ct offload not supported/);
      expect(verdict(id, pass([ct(true, true), { kind: 'recirc' }])).verdict, id).toBe('offloadable');
    }
    // rte_flow in OVS 3.1 has no conntrack: only the MARK+RSS classification is in hardware.
    expect(verdict('dpdk-rte-flow', pass([ct(true, true), { kind: 'recirc' }])).verdict).toBe('partial');
  });

  it('resolves ids and aliases, and rejects unknown profiles with the list', () => {
    expect(getProfile('cx7').id).toBe('mlx5-cx6dx');
    expect(getProfile('BlueField-3').id).toBe('mlx5-cx6dx');
    expect(getProfile('metascale').id).toBe('dpdk-rte-flow');
    expect(() => getProfile('cx9')).toThrow(UnknownProfileError);
    expect(() => getProfile('cx9')).toThrow(/known: tc-flower, mlx5-cx5, mlx5-cx6dx, dpdk-rte-flow/);
  });

  it('plain forwarding with header rewrites is offloadable everywhere', () => {
    for (const id of PROFILE_IDS) {
      const j = verdict(id, pass([{ kind: 'set', target: 'eth' }, { kind: 'set', target: 'ipv4' }, out]));
      expect(j.verdict, id).toBe('offloadable');
    }
  });

  describe('tc-flower (netdev-offload-tc.c)', () => {
    it('refuses hash, userspace, clone and sample', () => {
      for (const a of [
        { kind: 'hash' },
        { kind: 'userspace', why: 'controller' },
        { kind: 'clone', actions: [out] },
        { kind: 'sample' },
      ] as DpAction[])
        expect(verdict('tc-flower', pass([a, out])).verdict, a.kind).toBe('not');
    });
    it('a slow-path pass (ARP/ICMP rewrite) never reaches a provider, on every profile', () => {
      for (const id of PROFILE_IDS) {
        const slow: DpPass = {
          ...pass([{ kind: 'set', target: 'eth' }, { kind: 'set', target: 'arp' }, out]),
          slow: 'action',
        };
        expect(verdict(id, slow), id).toMatchObject({
          verdict: 'not',
          reason: { kind: 'slow_path', what: 'set(arp)', rule: { layer: 'ovs-slow-path' } },
        });
        expect(verdict(id, slow).reason!.rule.source).toMatch(/odp-util\.c commit_set_arp_action/);
      }
    });
    it('ct: an established connection is offloaded, a new one is set up in software (kernel act_ct); no helpers', () => {
      const path = { new: [pass([ct(true), { kind: 'recirc' }]), pass([out], ['recirc_id', 'ct_state'])] };
      const j = judgeClass(getProfile('tc-flower'), {
        ...path,
        est: [pass([ct(), { kind: 'recirc' }]), pass([out], ['recirc_id', 'ct_state'])],
      });
      expect(j.est.verdict).toBe('offloadable');
      expect(j.new).toMatchObject({ verdict: 'partial', reason: { what: 'ct(commit)', rule: { layer: 'kernel' } } });
      expect(verdict('tc-flower', pass([{ kind: 'ct', commit: true, nat: false, helper: true }, out])).verdict).toBe(
        'not',
      );
    });
    it('judges check_pkt_len by both branches', () => {
      const ok: DpAction = { kind: 'check_pkt_len', size: 1414, gt: [out], le: [out] };
      const ctl: DpAction = {
        kind: 'check_pkt_len',
        size: 1414,
        gt: [{ kind: 'userspace', why: 'controller' }],
        le: [out],
      };
      expect(verdict('tc-flower', pass([ok])).verdict).toBe('offloadable');
      expect(verdict('tc-flower', pass([ctl]))).toMatchObject({
        verdict: 'not',
        reason: { what: 'userspace(controller)' },
      });
    });
    it('matches: dp_hash, ND, IPv6 fragments and pkt_mark are refused; ct, ARP, Geneve options are fine', () => {
      for (const t of ['dp_hash', 'nd', 'ipv6_frag', 'pkt_mark'] as MatchTrait[])
        expect(verdict('tc-flower', pass([out], [t])).verdict, t).toBe('not');
      expect(
        verdict(
          'tc-flower',
          pass([{ kind: 'set', target: 'tunnel' }, out], ['recirc_id', 'ct_state', 'arp', 'tunnel', 'tun_metadata']),
        ).verdict,
      ).toBe('offloadable');
    });
    it('meters, vlan push/pop and ct_clear are offloadable', () => {
      expect(
        verdict('tc-flower', pass([{ kind: 'meter' }, { kind: 'push_vlan' }, { kind: 'ct_clear' }, out])).verdict,
      ).toBe('offloadable');
    });
  });

  describe('mlx5 profiles (ASAP² over TC)', () => {
    it('ConnectX cannot hash: the LB note names the documented fix', () => {
      for (const id of ['mlx5-cx5', 'mlx5-cx6dx']) {
        const j = verdict(id, pass([{ kind: 'hash' }, { kind: 'recirc' }]));
        expect(j.verdict).toBe('not');
        expect(j.reason!.rule.note).toMatch(/disable the OVN LB/);
      }
    });
    it("mlx5 takes one ct action per rule (commit in one zone, then the next zone's lookup)", () => {
      const two = pass(
        [ct(true), { kind: 'ct_clear' }, ct(false, true), { kind: 'recirc' }],
        ['recirc_id', 'ct_state'],
      );
      for (const id of ['mlx5-cx5', 'mlx5-cx6dx'])
        expect(verdict(id, two), id).toMatchObject({
          verdict: 'not',
          reason: { kind: 'limit', what: 'ct x2', rule: { layer: 'vendor' } },
        });
      expect(verdict('tc-flower', two).verdict).toBe('offloadable');
    });
    it('ConnectX-5 lacks meters and Geneve option matching; CX6 Dx has both', () => {
      expect(verdict('mlx5-cx5', pass([{ kind: 'meter' }, out])).verdict).toBe('not');
      expect(verdict('mlx5-cx5', pass([out], ['tun_metadata'])).verdict).toBe('not');
      expect(verdict('mlx5-cx6dx', pass([{ kind: 'meter' }, out], ['tun_metadata'])).verdict).toBe('offloadable');
    });
  });

  describe('dpdk-rte-flow (netdev-offload-dpdk.c)', () => {
    it('only recirc_id=0 without conntrack matches; a refused match blocks the flow', () => {
      expect(verdict('dpdk-rte-flow', pass([out], ['recirc_id']))).toMatchObject({
        verdict: 'not',
        reason: { kind: 'match', what: 'recirc_id' },
      });
      expect(verdict('dpdk-rte-flow', pass([out], ['ct_state'])).verdict).toBe('not');
      expect(verdict('dpdk-rte-flow', pass([out], ['arp'])).verdict).toBe('not');
    });
    it('a class whose first pass parses is MARK+RSS partial; recirculated passes stay in the PMD', () => {
      const j = verdict(
        'dpdk-rte-flow',
        pass([ct(false, true), { kind: 'recirc' }]),
        pass([out], ['recirc_id', 'ct_state']),
      );
      expect(j).toMatchObject({ verdict: 'partial', reason: { what: 'ct(nat)', markRss: true, pass: 0 } });
      expect(j.reason!.rule.source).toMatch(/netdev_offload_dpdk_add_flow/);
      expect(j.alsoBlockedBy).toContain('match recirc_id');
    });
    it('unsupported actions fall back to MARK+RSS (partial) when the match is offloadable', () => {
      const f = judgePass(
        getProfile('dpdk-rte-flow'),
        pass([{ kind: 'ct', commit: false, nat: true, helper: false }, { kind: 'recirc' }]),
        'est',
        0,
      );
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ markRss: true, rule: { support: 'partial' } });
      expect(f[0]!.rule.note).toMatch(/MARK\+RSS/);
    });
    it('offloads tunnel push and vlan push', () => {
      expect(
        verdict('dpdk-rte-flow', pass([{ kind: 'push_vlan' }, { kind: 'set', target: 'tunnel' }, out])).verdict,
      ).toBe('offloadable');
    });
  });

  it('the first blocker wins and the rest are listed', () => {
    const j = verdict(
      'tc-flower',
      pass([ct(false, true), { kind: 'recirc' }]),
      pass([{ kind: 'hash' }, { kind: 'recirc' }], ['recirc_id', 'ct_state']),
      pass([{ kind: 'userspace', why: 'controller' }], ['recirc_id', 'dp_hash']),
    );
    expect(j.reason).toMatchObject({ kind: 'action', what: 'hash', pass: 1 });
    expect(j.alsoBlockedBy).toEqual(['match dp_hash', 'action userspace(controller)']);
  });

  it('judges each scenario on its own: dp_hash refuses only the new connection', () => {
    const j = judgeClass(getProfile('tc-flower'), {
      new: [pass([ct(false, true), { kind: 'recirc' }]), pass([{ kind: 'hash' }, { kind: 'recirc' }], ['recirc_id'])],
      est: [pass([ct(false, true), { kind: 'recirc' }]), pass([out], ['recirc_id', 'ct_state'])],
    });
    expect(j.new).toMatchObject({ verdict: 'not', reason: { scenario: 'new', what: 'hash' } });
    expect(j.est).toMatchObject({ verdict: 'offloadable' });
  });
});
