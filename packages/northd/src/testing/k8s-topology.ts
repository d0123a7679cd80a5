// A generated Kubernetes-like NB (as ovn-kubernetes lays it out, minus LBs/ACLs/NAT which come with
// the stateful-services issue): a cluster router, one switch per node with K pods and a management
// port, a join switch, and one gateway router per node with a default route and a route back.
// Emitted as one OVSDB transaction (wire JSON) so it loads in a single `ovsdb-client transact`.

export interface K8sShape {
  readonly nodes: number;
  readonly podsPerNode: number;
  /**
   * Gateway routers as ovn-kubernetes configures them (without interconnect): bound to the node's
   * chassis, `lb_force_snat_ip=router_ip`, `dynamic_neigh_routers=true`, `always_learn_from_arp_request=false`,
   * `snat-ct-zone=0`, an external switch per node with a localnet port, a default route out of it and
   * an SNAT of the cluster network to the node IP. The join switch stays shared by all of them.
   */
  readonly ovnKubernetesGateways?: boolean;
}

/** The node IP of node n on the external network (172.18.0.0/16), as the gateway router's external port has it. */
export const nodeExternalIp = (n: number) => `172.18.${(n + 2) >> 8}.${(n + 2) & 255}`;

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
    const gr = { name: `GR_${node}`, ports: [gwPort], static_routes: [named(`gwr_${n}`)], nat: [] as unknown[] };
    if (shape.ovnKubernetesGateways) {
      const extIp = nodeExternalIp(n);
      gr.ports.push(lrp(`gwe_${n}`, `rtoe-GR_${node}`, mac(0xfc, n, 1), [`${extIp}/16`]));
      ops.push({
        op: 'insert',
        table: 'Logical_Switch_Port',
        'uuid-name': `ln_${n}`,
        row: {
          name: `breth0_${node}`,
          type: 'localnet',
          addresses: set(['unknown']),
          options: map({ network_name: 'physnet' }),
        },
      });
      const etor = rtrLsp(`etor_${n}`, `etor-GR_${node}`, `rtoe-GR_${node}`);
      ops.push({
        op: 'insert',
        table: 'Logical_Switch',
        row: { name: `ext_${node}`, ports: set([named(`ln_${n}`), etor]) },
      });
      ops.push({
        op: 'insert',
        table: 'Logical_Router_Static_Route',
        'uuid-name': `gwd_${n}`,
        row: { ip_prefix: '0.0.0.0/0', nexthop: '172.18.0.1', output_port: `rtoe-GR_${node}` },
      });
      gr.static_routes.push(named(`gwd_${n}`));
      ops.push({
        op: 'insert',
        table: 'NAT',
        'uuid-name': `snat_${n}`,
        row: { type: 'snat', logical_ip: '10.128.0.0/14', external_ip: extIp },
      });
      gr.nat.push(named(`snat_${n}`));
    }
    ops.push({
      op: 'insert',
      table: 'Logical_Router',
      row: {
        name: gr.name,
        ports: set(gr.ports),
        static_routes: set(gr.static_routes),
        nat: set(gr.nat),
        ...(shape.ovnKubernetesGateways
          ? {
              options: map({
                chassis: `chassis-${node}`,
                lb_force_snat_ip: 'router_ip',
                'snat-ct-zone': '0',
                always_learn_from_arp_request: 'false',
                dynamic_neigh_routers: 'true',
              }),
            }
          : {}),
      },
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
