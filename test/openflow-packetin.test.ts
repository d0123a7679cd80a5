// Packet-in/out against a real ovs-vswitchd: a controller(userdata, pause) action sends a VM's packets to us
// as NXT_PACKET_IN2 with that userdata; NXT_RESUME continues the pipeline (so a ping gets through), and a
// PACKET_OUT reaches the other VM's port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox, type Chassis, type Vm } from '@ovnts/test-harness';
import { OFPP, SwitchConnection, m, type PacketIn2 } from '@ovnts/openflow';

const USERDATA = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);
const rxPackets = async (vm: Vm) =>
  Number((await vm.exec('cat', [`/sys/class/net/${vm.ifname}/statistics/rx_packets`])).stdout.trim());

describe('packet-in / resume / packet-out against ovs-vswitchd', () => {
  const sandbox = useSandbox();
  let hv: Chassis;
  let conn: SwitchConnection;
  let vm1: Vm;
  let vm2: Vm;
  let p1 = 0;
  let p2 = 0;
  const seen: PacketIn2[] = [];

  beforeAll(async () => {
    hv = await sandbox().startChassis({ sbRemote: 'unix:/nonexistent' });
    vm1 = await hv.addVm('vm1', '02:ac:10:ff:00:11', '192.168.100.10/24');
    vm2 = await hv.addVm('vm2', '02:ac:10:ff:00:12', '192.168.100.11/24');
    p1 = Number(await hv.vsctl('get', 'Interface', vm1.ifname, 'ofport'));
    p2 = Number(await hv.vsctl('get', 'Interface', vm2.ifname, 'ofport'));
    conn = new SwitchConnection({ target: hv.mgmt(), reconnect: false });
    await conn.connect();
    conn.on('packet_in', (pi) => {
      seen.push(pi);
      // Continue the paused pipeline: the rest of the flow's actions forward to vm2.
      if (pi.continuation)
        conn.send({ type: 'resume', packet: pi.packet, metadata: pi.metadata, continuation: pi.continuation });
    });
    await conn.syncFlows([
      {
        table: 0,
        priority: 100,
        match: [m('in_port', p1)],
        actions: [
          { type: 'controller', userdata: USERDATA, pause: true },
          { type: 'output', port: p2 },
        ],
      },
      { table: 0, priority: 100, match: [m('in_port', p2)], actions: [{ type: 'output', port: p1 }] },
    ]);
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('a ping from vm1 arrives as PACKET_IN2 with our userdata and gets through after RESUME', async () => {
    const ping = await vm1.exec('ping', ['-c', '1', '-W', '3', '192.168.100.11']);
    expect(ping.code).toBe(0);
    const arp = seen.find((pi) => pi.packet.readUInt16BE(12) === 0x0806);
    const icmp = seen.find((pi) => pi.packet.readUInt16BE(12) === 0x0800 && pi.packet[23] === 1);
    for (const pi of [arp, icmp]) {
      expect(pi).toBeDefined();
      expect(Uint8Array.from(pi!.userdata!)).toEqual(USERDATA);
      expect(pi!.continuation?.length).toBeGreaterThan(0);
      expect(pi!.tableId).toBe(0);
      expect(pi!.metadata).toContainEqual({ field: 'in_port', value: BigInt(p1) });
      expect(pi!.packet.subarray(6, 12).toString('hex')).toBe('02ac10ff0011');
    }
  });

  it('PACKET_OUT puts a frame on vm2', async () => {
    const before = await rxPackets(vm2);
    const frame = Buffer.alloc(60);
    Buffer.from('ffffffffffff02ac10ff001188b5', 'hex').copy(frame);
    frame.write('ovnts packet-out', 14);
    await conn.sendChecked([
      { type: 'packet_out', inPort: OFPP.CONTROLLER, actions: [{ type: 'output', port: p2 }], packet: frame },
    ]);
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await rxPackets(vm2);
    }
    expect(after).toBeGreaterThan(before);
  });
});
