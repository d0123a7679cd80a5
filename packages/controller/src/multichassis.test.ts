// Multi-chassis ports (requested-chassis=hv1,hv2: hv1 claims `chassis`, hv2 `additional_chassis`): traffic to
// the port is delivered on every chassis that binds it, traffic from it leaves from each of them, and on a
// switch with a localnet port the physical network is bypassed for it (tunnels only).
import { describe, expect, it } from 'vitest';
import { formatFlow } from '@ovnts/openflow';
import { physicalFlows } from './physical.js';
import { buildLocalView, type OvsIface } from './view.js';
import { pb, snapshot, U, type AnyRow } from './test-rows.js';

const LS = U(0x100);
const [HV1, HV2, HV3] = [U(0x301), U(0x302), U(0x303)];
const MIGRATOR = 0x0a0a0a0a;
const FIRST = 0x0b0b0b0b;
const LN = 0x0c0c0c0c;

function sbWith(ports: AnyRow[]) {
  return snapshot({
    Chassis: [
      { _uuid: HV1, name: 'hv1', encaps: [] },
      { _uuid: HV2, name: 'hv2', encaps: [] },
      { _uuid: HV3, name: 'hv3', encaps: [] },
    ],
    Datapath_Binding: [{ _uuid: LS, tunnel_key: 1, external_ids: { 'logical-switch': 'ls0' } }],
    Port_Binding: ports,
    Multicast_Group: [
      { _uuid: U(0xa8cba19e), datapath: LS, name: '_MC_flood', tunnel_key: 0x8000, ports: ports.map((p) => p._uuid) },
    ],
  });
}

const migrator = (extra: Partial<AnyRow> = {}) =>
  pb(MIGRATOR, 'migrator', LS, 4, { chassis: HV1, additional_chassis: [HV2], ...extra });
const first = pb(FIRST, 'first', LS, 1, { chassis: HV1 });
const third = pb(0x0d0d0d0d, 'third', LS, 3, { chassis: HV3 });
const localnet = pb(LN, 'public', LS, 5, { type: 'localnet', options: { network_name: 'phys' } });

/** The tunnels of chassis `me` to the two others (ofports 11, 12, 13 lead to hv1, hv2, hv3). */
function tunnels(me: string): OvsIface[] {
  return ['hv1', 'hv2', 'hv3']
    .map((c, i) => ({ name: `ovn-${c}-0`, ofport: 11 + i, type: 'geneve', tunnelChassis: c }))
    .filter((t) => t.tunnelChassis !== me);
}

function flowsOf(me: string, ports: AnyRow[], local: OvsIface[]): string[] {
  const sb = sbWith(ports);
  const view = buildLocalView(sb, me, [...tunnels(me), ...local]);
  return physicalFlows({ view, sb, zone: () => 0 }).map(formatFlow);
}

const encap = (port: number, out: number) =>
  `set_field:0x1/0xffffff->tun_id,set_field:${'0x' + out.toString(16)}->tun_metadata0,` +
  `move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],output:${port}`;
const vif = (name: string, ofport: number): OvsIface => ({ name, ofport, type: '', ifaceId: name });

describe('multi-chassis ports', () => {
  it('the main chassis delivers locally and sends a copy to the additional chassis', () => {
    const flows = flowsOf('hv1', [migrator(), first], [vif('migrator', 1), vif('first', 2)]);
    expect(flows).toContain(`cookie=0xa0a0a0a, table=65, priority=100,reg15=0x4,metadata=0x1 actions=output:1`);
    expect(flows).toContain(
      `cookie=0xa0a0a0a, table=39, priority=100,reg15=0x4,metadata=0x1 actions=${encap(12, 4)},resubmit(,40)`,
    );
  });

  it('the additional chassis takes the port as local and sends a copy to the main chassis', () => {
    const flows = flowsOf('hv2', [migrator(), first], [vif('migrator', 1)]);
    expect(flows.some((f) => f.startsWith('cookie=0xa0a0a0a, priority=100,in_port=1 '))).toBe(true);
    expect(flows).toContain(`cookie=0xa0a0a0a, table=65, priority=100,reg15=0x4,metadata=0x1 actions=output:1`);
    expect(flows).toContain(
      `cookie=0xa0a0a0a, table=39, priority=100,reg15=0x4,metadata=0x1 actions=${encap(11, 4)},resubmit(,40)`,
    );
  });

  it('a third chassis tunnels unicast and multicast to both chassis', () => {
    const flows = flowsOf('hv3', [migrator(), first, third], [vif('third', 3)]);
    expect(flows).toContain(
      `cookie=0xa0a0a0a, table=39, priority=100,reg15=0x4,metadata=0x1 actions=${encap(11, 4)},${encap(12, 4)},resubmit(,40)`,
    );
    expect(flows).toContain(
      `cookie=0xa8cba19e, table=39, priority=100,reg15=0x8000,metadata=0x1 actions=${encap(11, 0x8000)},output:12,resubmit(,40)`,
    );
  });

  it('without a main chassis (unclaimed there) the additional ones still get the traffic', () => {
    const flows = flowsOf(
      'hv3',
      [migrator({ chassis: null, additional_chassis: [HV1, HV2] }), third],
      [vif('third', 3)],
    );
    expect(flows).toContain(
      `cookie=0xa0a0a0a, table=39, priority=100,reg15=0x4,metadata=0x1 actions=${encap(11, 4)},${encap(12, 4)},resubmit(,40)`,
    );
  });

  it('a single-chassis port keeps its one tunnel', () => {
    const flows = flowsOf('hv3', [migrator({ additional_chassis: [] }), third], [vif('third', 3)]);
    expect(flows).toContain(
      `cookie=0xa0a0a0a, table=39, priority=100,reg15=0x4,metadata=0x1 actions=${encap(11, 4)},resubmit(,40)`,
    );
  });

  describe('on a switch with a localnet port', () => {
    const patch: OvsIface = { name: 'patch-br-int-to-public', ofport: 7, type: 'patch', localnetPort: 'public' };

    it('a multi-chassis port is reached through tunnels, not the localnet port', () => {
      const flows = flowsOf('hv3', [migrator(), first, third, localnet], [patch, vif('third', 3)]);
      expect(flows).toContain(
        `cookie=0xa0a0a0a, table=39, priority=100,reg15=0x4,metadata=0x1 actions=${encap(11, 4)},${encap(12, 4)},resubmit(,40)`,
      );
      expect(flows.filter((f) => f.startsWith('cookie=0xa0a0a0a, table=40,'))).toEqual([]);
      // Multicast reaches the other chassis through the localnet port, so no tunnel copy.
      expect(flows.filter((f) => f.startsWith('cookie=0xa8cba19e, table=39,') && f.includes('output:1'))).toEqual([]);
    });

    it("the multi-chassis port's traffic to a localnet-reached port is tunnelled to that port's chassis", () => {
      const flows = flowsOf('hv2', [migrator(), first, localnet], [patch, vif('migrator', 1)]);
      // Everyone else still goes through the localnet port.
      expect(flows).toContain(
        `cookie=0xb0b0b0b, table=40, priority=100,reg15=0x1,metadata=0x1 actions=set_field:0x5->reg15,resubmit(,40)`,
      );
      expect(flows).toContain(
        `cookie=0xb0b0b0b, table=39, priority=110,reg14=0x4,reg15=0x1,metadata=0x1 actions=${encap(11, 1)}`,
      );
    });

    it('no tunnelling once no port of the switch has additional chassis', () => {
      const flows = flowsOf('hv2', [migrator({ additional_chassis: [] }), first, localnet], [patch]);
      expect(flows.filter((f) => f.includes('priority=110'))).toEqual([]);
    });
  });

  describe('activation-strategy=rarp', () => {
    const rarp = (activated?: string) =>
      migrator({
        options: {
          'activation-strategy': 'rarp',
          ...(activated ? { 'additional-chassis-activated': activated } : {}),
        },
      });

    it('an additional chassis blocks the port but lets its RARP through to pinctrl and the pipeline', () => {
      const flows = flowsOf('hv2', [rarp(), first], [vif('migrator', 1)]);
      expect(flows).toContain('cookie=0xa0a0a0a, priority=1000,in_port=1 actions=drop');
      expect(flows).toContain('cookie=0xa0a0a0a, table=65, priority=1000,reg15=0x4,metadata=0x1 actions=drop');
      const rarpIn = flows.find((f) => f.startsWith('cookie=0xa0a0a0a, priority=1010,'));
      expect(rarpIn).toMatch(/rarp,in_port=1 actions=.*set_field:0x4->reg14,controller\(.*\),resubmit\(,8\)$/);
    });

    it('no block once the SB lists the chassis as activated, and none on the main chassis', () => {
      const blocked = (fs: string[]) => fs.filter((f) => f.includes('priority=1000') || f.includes('priority=1010'));
      expect(blocked(flowsOf('hv2', [rarp('hv3,hv2'), first], [vif('migrator', 1)]))).toEqual([]);
      expect(blocked(flowsOf('hv1', [rarp(), first], [vif('migrator', 1)]))).toEqual([]);
    });
  });
});
