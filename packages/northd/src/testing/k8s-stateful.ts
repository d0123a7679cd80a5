// Stateful additions to the generated Kubernetes-like NB (testing/k8s-topology.ts), laid out the way
// ovn-kubernetes does it: every service is a load balancer in one group attached to all node switches
// and gateway routers; every network policy is a port group of selected pods with allow-related
// ingress ACLs from an address set of peer pods and a default-deny. Wire-format operations meant to
// run in the same transaction as k8sNbOps (they name its pods' named-uuids and its rows by name).
import { OvsdbClient, type WireOperation } from 'ovsdb-client-ts';
import { k8sNbOps, type K8sShape } from './k8s-topology.js';

export interface K8sStatefulShape {
  readonly nodes: number;
  readonly podsPerNode: number;
  /** Service VIPs (one TCP load balancer each, two pod backends). */
  readonly vips: number;
  /** ACLs in total (10 per policy: 9 allow-related rules + 1 drop). */
  readonly acls: number;
}

const ACLS_PER_POLICY = 10;
const PODS_PER_POLICY = 10;

/** The address k8sNbOps gives pod p of node n. */
const podIp = (n: number, p: number) => `10.${128 + (n >> 8)}.${n & 255}.${p + 3}`;

export function k8sStatefulOps(shape: K8sStatefulShape): unknown[] {
  const ops: unknown[] = [];
  const named = (n: string) => ['named-uuid', n];
  const set = (xs: unknown[]) => ['set', xs];
  const map = (o: Record<string, string>) => ['map', Object.entries(o)];
  const pods = shape.nodes * shape.podsPerNode;
  const pod = (i: number) => ({ n: Math.floor(i / shape.podsPerNode) % shape.nodes, p: i % shape.podsPerNode });

  // Services.
  const lbs: unknown[] = [];
  for (let s = 0; s < shape.vips; s++) {
    const a = pod((s * 2) % pods);
    const b = pod((s * 2 + 1) % pods);
    const vip = `10.96.${s >> 8}.${s & 255}:80`;
    ops.push({
      op: 'insert',
      table: 'Load_Balancer',
      'uuid-name': `lb_${s}`,
      row: {
        name: `svc-${s}`,
        protocol: 'tcp',
        vips: map({ [vip]: `${podIp(a.n, a.p)}:8080,${podIp(b.n, b.p)}:8080` }),
      },
    });
    lbs.push(named(`lb_${s}`));
  }
  ops.push({
    op: 'insert',
    table: 'Load_Balancer_Group',
    'uuid-name': 'clusterLBGroup',
    row: { name: 'clusterLBGroup', load_balancer: set(lbs) },
  });
  for (let n = 0; n < shape.nodes; n++) {
    for (const [table, name] of [
      ['Logical_Switch', `node${n}`],
      ['Logical_Router', `GR_node${n}`],
    ] as const) {
      ops.push({
        op: 'mutate',
        table,
        where: [['name', '==', name]],
        mutations: [['load_balancer_group', 'insert', set([named('clusterLBGroup')])]],
      });
    }
  }

  // Network policies.
  const policies = Math.ceil(shape.acls / ACLS_PER_POLICY);
  for (let k = 0; k < policies; k++) {
    const members = Array.from({ length: PODS_PER_POLICY }, (_, j) => pod((k * 7 + j * 13) % pods));
    const peers = Array.from({ length: PODS_PER_POLICY }, (_, j) => pod((k * 11 + j * 17 + 5) % pods));
    const pg = `pg_np${k}`;
    const as = `as_np${k}`;
    ops.push({
      op: 'insert',
      table: 'Address_Set',
      row: { name: as, addresses: set(peers.map((x) => podIp(x.n, x.p))) },
    });
    const acls: unknown[] = [];
    for (let r = 0; r < ACLS_PER_POLICY && k * ACLS_PER_POLICY + r < shape.acls; r++) {
      const id = `acl_${k}_${r}`;
      const drop = r === ACLS_PER_POLICY - 1;
      ops.push({
        op: 'insert',
        table: 'ACL',
        'uuid-name': id,
        row: drop
          ? { direction: 'to-lport', priority: 1000, action: 'drop', match: `outport == @${pg} && ip4` }
          : {
              direction: 'to-lport',
              priority: 1001,
              action: 'allow-related',
              match: `outport == @${pg} && ip4.src == $${as} && tcp.dst == ${8000 + r}`,
            },
      });
      acls.push(named(id));
    }
    // Pods are referenced by the named-uuids k8sNbOps gives them: append these operations to its.
    ops.push({
      op: 'insert',
      table: 'Port_Group',
      row: { name: pg, acls: set(acls), ports: set(members.map((m) => named(`pod_${m.n}_${m.p}`))) },
    });
  }
  return ops;
}

/**
 * Write the Kubernetes-shaped NB (topology and stateful services) into the NB at `nbRemote` in one
 * transaction, with NB_Global.nb_cfg = 1, as the daemon tests start from.
 */
export async function loadK8sNb(nbRemote: string, shape: K8sShape & K8sStatefulShape): Promise<void> {
  const admin = await OvsdbClient.connect(nbRemote, { inactivityProbeMs: 0, reconnect: false });
  try {
    await admin.transact('OVN_Northbound', [
      ...k8sNbOps(shape),
      ...k8sStatefulOps(shape),
      { op: 'update', table: 'NB_Global', where: [], row: { nb_cfg: 1 } },
    ] as WireOperation[]);
  } finally {
    await admin.close();
  }
}
