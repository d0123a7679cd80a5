import { describe, expect, it } from 'vitest';
import { ConfigError, parseBridgeMappings, parseChassisConfig } from './config.js';

describe('chassis configuration', () => {
  const base = {
    'system-id': 'hv1',
    'ovn-remote': 'unix:/sb.sock',
    'ovn-encap-type': 'geneve',
    'ovn-encap-ip': '10.0.0.1',
  };

  it('reads what ovn-controller reads, with its defaults', () => {
    const c = parseChassisConfig(base, 'host1');
    expect(c).toMatchObject({
      systemId: 'hv1',
      remote: 'unix:/sb.sock',
      encapTypes: ['geneve'],
      encapIps: ['10.0.0.1'],
      bridge: 'br-int',
      bridgeDatapathType: '',
      probeIntervalMs: 0,
      openflowProbeIntervalS: 0,
      monitorAll: false,
      hostname: 'host1',
    });
    const d = parseChassisConfig(
      {
        ...base,
        'ovn-bridge': 'br-x',
        'ovn-encap-type': 'geneve,vxlan',
        'ovn-bridge-mappings': 'phys:br-phys, ext:br-ex',
        'ovn-remote-probe-interval': '1000',
        'ovn-monitor-all': 'true',
      },
      'h',
    );
    expect(d.bridge).toBe('br-x');
    expect(d.encapTypes).toEqual(['geneve', 'vxlan']);
    expect([...d.bridgeMappings]).toEqual([
      ['phys', 'br-phys'],
      ['ext', 'br-ex'],
    ]);
    expect(d.probeIntervalMs).toBe(1000);
    expect(parseChassisConfig({ ...base, 'ovn-remote': 'tcp:10.0.0.2:6642' }, 'h').probeIntervalMs).toBe(5000);
    expect(parseChassisConfig({ ...base, 'ovn-openflow-probe-interval': '30' }, 'h').openflowProbeIntervalS).toBe(30);
    expect(d.monitorAll).toBe(true);
  });

  it('a key suffixed with -<system-id> overrides the plain one (several chassis on one Open_vSwitch)', () => {
    const c = parseChassisConfig(
      {
        ...base,
        'system-id': 'hv3',
        'ovn-encap-type': 'vxlan',
        'ovn-encap-type-hv3': 'geneve',
        'ovn-encap-ip-hv3': '192.168.1.1',
        'ovn-bridge-hv2': 'br-int-2',
      },
      'h',
    );
    expect(c.systemId).toBe('hv3');
    expect(c.encapTypes).toEqual(['geneve']);
    expect(c.encapIps).toEqual(['192.168.1.1']);
    expect(c.bridge).toBe('br-int');
  });

  it('names the missing or bad key', () => {
    expect(() => parseChassisConfig({ ...base, 'system-id': '' }, 'h')).toThrow(/system-id/);
    expect(() => parseChassisConfig({ ...base, 'ovn-remote': '' }, 'h')).toThrow(ConfigError);
    expect(() => parseChassisConfig({ ...base, 'ovn-encap-type': 'stt' }, 'h')).toThrow(
      /unsupported ovn-encap-type "stt"/,
    );
    expect(() => parseBridgeMappings('phys')).toThrow(/bad ovn-bridge-mappings entry "phys"/);
    expect(() => parseBridgeMappings('phys:')).toThrow(ConfigError);
  });
});
