// The `debug/dump-local-bindings` report (pure): one entry per interface of the integration bridge that names
// a logical port (external_ids:iface-id), with the Port_Bindings that interface carries — the VIF or localport
// it names first, then the container ports whose parent it is. Built from the replicas alone, so it answers
// while the SB is unreachable, as ovn-controller's binding state does.
import type { PortBinding } from '@ovnts/schema/sb';
import type { OvsIface, SbSnapshot } from './view.js';

export interface LocalBinding {
  /** The logical port name the interface carries (iface-id). */
  readonly name: string;
  /** The OVS interface, or undefined for a binding with no interface. */
  readonly iface: string | undefined;
  /** The primary binding: a VIF, or a localport. */
  readonly primary: PortBinding | undefined;
  /** Container (and virtual) ports riding on the primary port. */
  readonly children: readonly PortBinding[];
}

/** `me`: this chassis; a VIF or container port counts only once bound to it (a localport always). */
export function localBindings(
  sb: Pick<SbSnapshot, 'Port_Binding'>,
  ifaces: readonly OvsIface[],
  me: string | undefined,
): LocalBinding[] {
  const byName = new Map<string, PortBinding>();
  const childrenOf = new Map<string, PortBinding[]>();
  for (const pb of sb.Port_Binding.values()) {
    byName.set(pb.logical_port, pb);
    if (pb.parent_port) {
      const l = childrenOf.get(pb.parent_port);
      if (l) l.push(pb);
      else childrenOf.set(pb.parent_port, [pb]);
    }
  }
  const out = new Map<string, LocalBinding>();
  for (const i of ifaces) {
    if (!i.ifaceId || out.has(i.ifaceId)) continue;
    const pb = byName.get(i.ifaceId);
    const primary =
      pb && ((pb.type === '' && pb.chassis === me && me !== undefined) || pb.type === 'localport') ? pb : undefined;
    const children = primary?.type === '' ? (childrenOf.get(i.ifaceId) ?? []).filter((c) => c.chassis === me) : [];
    out.set(i.ifaceId, { name: i.ifaceId, iface: i.name, primary, children });
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The text ovn-controller prints for its local bindings. */
export function formatLocalBindings(bindings: readonly LocalBinding[]): string {
  let s = 'Local bindings:\n';
  for (const b of bindings) {
    const n = (b.primary ? 1 : 0) + b.children.length;
    s += `name: [${b.name}], OVS interface name : [${b.iface ?? 'NULL'}], num binding lports : [${n}]\n`;
    if (n) {
      if (b.primary?.type === '') s += `primary lport : [${b.primary.logical_port}]\n`;
      else if (b.primary) s += `localport lport : [${b.primary.logical_port}]\n`;
      else s += 'no primary lport\n';
      const kids = [...b.children].sort((x, y) => (x.logical_port < y.logical_port ? -1 : 1));
      kids.forEach((c, j) => {
        s += `child lport[${j + 1}] : [${c.logical_port}], type : [${c.type === 'virtual' ? 'VIRTUAL' : 'CONTAINER'}]\n`;
      });
    }
    s += '----------------------------------------\n';
  }
  return s;
}
