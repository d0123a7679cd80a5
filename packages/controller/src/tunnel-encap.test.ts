// Tunnel header encoding per type (pure): VXLAN's 12-bit port field, fan-out over mixed tunnel types.
import { describe, expect, it } from 'vitest';
import { formatFlow } from '@ovnts/openflow';
import { fanOut, vxlanPortKey } from './tunnel-encap.js';

const actions = (a: ReturnType<typeof fanOut>) =>
  formatFlow({ table: 39, priority: 100, match: [], actions: a }).replace(/^.* actions=/, '');

describe('tunnel encapsulation', () => {
  it('maps port keys unchanged and group keys to 0x800 | low 11 bits', () => {
    expect(vxlanPortKey(1)).toBe(1);
    expect(vxlanPortKey(2047)).toBe(2047);
    expect(vxlanPortKey(0x8000)).toBe(0x800);
    expect(vxlanPortKey(0x8004)).toBe(0x804);
  });

  it('writes the header again only where the tunnel type changes', () => {
    const out = actions(
      fanOut(
        [
          { ofport: 5, type: 'vxlan' },
          { ofport: 6, type: 'vxlan' },
          { ofport: 7, type: 'geneve' },
          { ofport: 8, type: 'vxlan' },
        ],
        3,
        0x8001,
      ),
    );
    expect(out).toBe(
      'set_field:0x801003/0xffffff->tun_id,output:5,output:6,' +
        'set_field:0x3/0xffffff->tun_id,set_field:0x8001->tun_metadata0,move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],output:7,' +
        'set_field:0x801003/0xffffff->tun_id,output:8',
    );
  });

  it('towards a VTEP gateway (ramp switch) the VNI is the datapath key alone', () => {
    expect(actions(fanOut([{ ofport: 9, type: 'vxlan' }], 3, 7, true))).toBe('set_field:0x3/0xffffff->tun_id,output:9');
  });
});
