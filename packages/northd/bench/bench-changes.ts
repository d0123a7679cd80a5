// The single NB changes the northd benchmarks measure (northd.bench.ts against real servers,
// engine-latency.ts in process): a new pod port, one more backend for a service, one more ACL in a
// network policy's port group, on the k8s-like NB of src/testing/k8s-topology.ts.
import type { WireOperation } from 'ovsdb-client-ts';

export interface ChangeShape {
  readonly label: string;
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly vips: number;
  readonly acls: number;
}

const hex = (x: number) => (x & 255).toString(16).padStart(2, '0');
const named = (n: string) => ['named-uuid', n];
const set = (xs: unknown[]) => ['set', xs];
const nodeSubnet = (n: number) => `10.${128 + (n >> 8)}.${n & 255}`;

/** A new pod port i (unique name, MAC and IP) on one of the node switches. */
export function podPort(shape: ChangeShape, i: number, tag: string) {
  const node = i % shape.nodes;
  // Addresses past the generated pods (.3 … .podsPerNode+2) of that node.
  const host = shape.podsPerNode + 3 + Math.floor(i / shape.nodes);
  if (host > 254) throw new Error(`too many added ports for ${shape.label}: lower BENCH_SAMPLES`);
  const addr = `0a:59:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}:${hex(node)} ${nodeSubnet(node)}.${host}`;
  return { name: `bench-${tag}-pod${i}`, sw: `node${node}`, addr };
}

export function lspAddOps(shape: ChangeShape, i: number, tag: string): WireOperation[] {
  const p = podPort(shape, i, tag);
  return [
    {
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': 'newlsp',
      row: { name: p.name, addresses: set([p.addr]), port_security: set([p.addr]) },
    },
    {
      op: 'mutate',
      table: 'Logical_Switch',
      where: [['name', '==', p.sw]],
      mutations: [['ports', 'insert', set([named('newlsp')])]],
    },
  ] as WireOperation[];
}

/** Which service the i-th backend add changes. */
export const lbName = (shape: ChangeShape, i: number) => `svc-${(i * 7919) % shape.vips}`;

/** The update adding backend i to a service whose `vips` are given (the update carries the whole map). */
export function lbBackendUpdate(shape: ChangeShape, i: number, vips: readonly [string, string][]): WireOperation[] {
  const more = vips.map(([vip, backends], j) =>
    j === 0
      ? [vip, `${backends},${nodeSubnet(i % shape.nodes)}.${3 + (i % shape.podsPerNode)}:${9000 + i}`]
      : [vip, backends],
  );
  return [
    { op: 'update', table: 'Load_Balancer', where: [['name', '==', lbName(shape, i)]], row: { vips: ['map', more] } },
  ] as WireOperation[];
}

/** One more allow-related rule (a new TCP port) in network policy k's port group. */
export function aclAddOps(shape: ChangeShape, i: number): WireOperation[] {
  const k = (i * 7919) % Math.ceil(shape.acls / 10);
  return [
    {
      op: 'insert',
      table: 'ACL',
      'uuid-name': 'newacl',
      row: {
        direction: 'to-lport',
        priority: 1001,
        action: 'allow-related',
        match: `outport == @pg_np${k} && ip4.src == $as_np${k} && tcp.dst == ${20000 + i}`,
      },
    },
    {
      op: 'mutate',
      table: 'Port_Group',
      where: [['name', '==', `pg_np${k}`]],
      mutations: [['acls', 'insert', set([named('newacl')])]],
    },
  ] as WireOperation[];
}
