// debug/dump-local-bindings (pure): interfaces that name a logical port, their VIF or localport, container
// children, interfaces whose port does not exist yet, ordering and the exact text.
import { describe, expect, it } from 'vitest';
import type { PortBinding } from '@ovnts/schema/sb';
import { formatLocalBindings, localBindings } from './local-bindings.js';
import type { OvsIface, SbSnapshot } from './view.js';

const pb = (name: string, type = '', parent: string | null = null, chassis: string | null = 'hv1') =>
  ({ _uuid: `u-${name}`, logical_port: name, type, parent_port: parent, chassis }) as PortBinding;
const sb = (pbs: PortBinding[]) =>
  ({ Port_Binding: new Map(pbs.map((p) => [p._uuid, p])) }) as Pick<SbSnapshot, 'Port_Binding'>;
const iface = (name: string, ifaceId?: string): OvsIface => ({
  name,
  ofport: 1,
  type: '',
  ...(ifaceId ? { ifaceId } : {}),
});

describe('local bindings', () => {
  it('prints ovn-controller’s text, sorted by logical port', () => {
    const snap = sb([pb('sw0p1'), pb('c1', '', 'sw0p1'), pb('c0', '', 'sw0p1'), pb('meta', 'localport')]);
    const text = formatLocalBindings(
      localBindings(snap, [iface('vm1', 'sw0p1'), iface('br-int'), iface('vm2', 'sw1p1'), iface('md', 'meta')], 'hv1'),
    );
    expect(text).toBe(
      'Local bindings:\n' +
        'name: [meta], OVS interface name : [md], num binding lports : [1]\n' +
        'localport lport : [meta]\n' +
        '----------------------------------------\n' +
        'name: [sw0p1], OVS interface name : [vm1], num binding lports : [3]\n' +
        'primary lport : [sw0p1]\n' +
        'child lport[1] : [c0], type : [CONTAINER]\n' +
        'child lport[2] : [c1], type : [CONTAINER]\n' +
        '----------------------------------------\n' +
        'name: [sw1p1], OVS interface name : [vm2], num binding lports : [0]\n' +
        '----------------------------------------\n',
    );
  });

  it('an interface naming a router port binds nothing', () => {
    const [b] = localBindings(sb([pb('rp', 'patch')]), [iface('x', 'rp')], 'hv1');
    expect(b).toMatchObject({ name: 'rp', iface: 'x', primary: undefined, children: [] });
  });

  it('a VIF bound elsewhere (or not yet) counts no lport', () => {
    const [b] = localBindings(sb([pb('p', '', null, null)]), [iface('x', 'p')], 'hv1');
    expect(b).toMatchObject({ primary: undefined });
  });
});
