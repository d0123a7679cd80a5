// A generated Kubernetes-like NB (as ovn-kubernetes lays it out, minus LBs/ACLs/NAT which come with
// the stateful-services issue): a cluster router, one switch per node with K pods and a management
// port, a join switch, and one gateway router per node with a default route and a route back.
// Emitted as one OVSDB transaction (wire JSON) so it loads in a single `ovsdb-client transact`.

export interface K8sShape {
  readonly nodes: number;
  readonly podsPerNode: number;
}

const mac = (a: number, b: number, c: number) =>
  `0a:58:${[a, b >> 8, b & 255, c].map((x) => (x & 255).toString(16).padStart(2, '0')).join(':')}`;

export function k8sNbOps(shape: K8sShape): unknown[] {
  const ops: unknown[] = [];
  const named = (n: string) => ['named-uuid', n];
  const set = (xs: unknown[]) => ['set', xs];
  const map = (o: Record<string, string>) => ['map', Object.entries(o)];
  const lrPorts: unknown[] = [];
  const joinPorts: unknown[] = [];
  const lrp = (id: string, name: string, m: string, nets: string[]) => {
    ops.push({
      op: 'insert',
      table: 'Logical_Router_Port',
      'uuid-name': id,
      row: { name, mac: m, networks: set(nets) },
    });
    return named(id);
  };
  const rtrLsp = (id: string, name: string, routerPort: string) => {
    ops.push({
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': id,
      row: { name, type: 'router', addresses: set(['router']), options: map({ 'router-port': routerPort }) },
    });
    return named(id);
  };
  lrPorts.push(lrp('crjoin', 'rtoj-cluster', '0a:58:64:40:00:01', ['100.64.0.1/16']));
  joinPorts.push(rtrLsp('jtor', 'jtor-cluster', 'rtoj-cluster'));
  for (let n = 0; n < shape.nodes; n++) {
    const node = `node${n}`;
    const hi = n >> 8;
    const lo = n & 255;
    const subnet = `10.${128 + hi}.${lo}`;
    const ports: unknown[] = [];
    for (let p = 0; p < shape.podsPerNode; p++) {
      const id = `pod_${n}_${p}`;
      ops.push({
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': id,
        row: {
          name: `ns${p % 10}_pod-${n}-${p}`,
          addresses: set([`${mac(n >> 8, n, p + 3)} ${subnet}.${p + 3}`]),
          port_security: set([`${mac(n >> 8, n, p + 3)} ${subnet}.${p + 3}`]),
        },
      });
      ports.push(named(id));
    }
    ops.push({
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': `mgmt_${n}`,
      row: { name: `k8s-${node}`, addresses: set([`${mac(0xfe, n, 2)} ${subnet}.2`]) },
    });
    ports.push(named(`mgmt_${n}`));
    lrPorts.push(lrp(`crls_${n}`, `rtos-${node}`, mac(0xff, n, 1), [`${subnet}.1/24`]));
    ports.push(rtrLsp(`lscr_${n}`, `stor-${node}`, `rtos-${node}`));
    ops.push({
      op: 'insert',
      table: 'Logical_Switch',
      row: { name: node, ports: set(ports), other_config: map({ subnet: `${subnet}.0/24` }) },
    });

    // Gateway router on the join switch, with routes to the cluster and out.
    const joinIp = `100.64.${1 + (n >> 8)}.${(n & 255) + 2 > 255 ? 1 : (n & 255) + 2}`;
    const gwPort = lrp(`gwj_${n}`, `rtoj-GR_${node}`, mac(0xfd, n, 1), [`${joinIp}/16`]);
    joinPorts.push(rtrLsp(`jgw_${n}`, `jtor-GR_${node}`, `rtoj-GR_${node}`));
    ops.push({
      op: 'insert',
      table: 'Logical_Router_Static_Route',
      'uuid-name': `gwr_${n}`,
      row: { ip_prefix: '10.128.0.0/14', nexthop: '100.64.0.1' },
    });
    ops.push({
      op: 'insert',
      table: 'Logical_Router',
      row: { name: `GR_${node}`, ports: set([gwPort]), static_routes: set([named(`gwr_${n}`)]) },
    });
    ops.push({
      op: 'insert',
      table: 'Logical_Router_Static_Route',
      'uuid-name': `crr_${n}`,
      row: { ip_prefix: `${subnet}.2/32`, nexthop: joinIp, policy: 'src-ip' },
    });
  }
  const routes = Array.from({ length: shape.nodes }, (_, n) => named(`crr_${n}`));
  ops.push({
    op: 'insert',
    table: 'Logical_Router',
    row: { name: 'ovn_cluster_router', ports: set(lrPorts), static_routes: set(routes) },
  });
  ops.push({ op: 'insert', table: 'Logical_Switch', row: { name: 'join', ports: set(joinPorts) } });
  return ops;
}
