// Parity on a generated Kubernetes-like cluster with services and network policies (ovn-kubernetes
// layout: a load balancer group on every node switch and gateway router, per-policy port groups with
// allow-related ACLs from address sets and a default deny): the real ovn-northd 23.03 and ovnts give
// the same flows and identical ovn-trace verdicts for pod→service, pod→pod and egress packets.
import { describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import {
  k8sNbOps,
  k8sStatefulOps,
  formatFlowDiff,
  runParityCase,
  type TracePacket,
  packets as P,
} from '@ovnts/northd/testing';

const shape = { nodes: 3, podsPerNode: 5, vips: 20, acls: 40 };
// Addressing as k8sNbOps lays it out: pod p of node n is 10.128.n.(p+3) behind router MAC 0a:58:ff:00:0n:01.
const podMac = (n: number, p: number) =>
  `0a:58:00:00:${n.toString(16).padStart(2, '0')}:${(p + 3).toString(16).padStart(2, '0')}`;
const pod = (n: number, p: number): P.Host => ({
  port: `ns${p % 10}_pod-${n}-${p}`,
  mac: podMac(n, p),
  ip: `10.128.${n}.${p + 3}`,
});
const rtr = (n: number) => `0a:58:ff:00:${n.toString(16).padStart(2, '0')}:01`;
const NEW = ['new', 'new', 'new', 'new', 'new', 'new'];
const EST = ['est', 'est', 'est', 'est', 'est', 'est'];

const packets: TracePacket[] = [];
for (const ct of [NEW, EST]) {
  packets.push(
    { dp: 'node0', flow: P.tcp4(pod(0, 0), rtr(0), '10.96.0.1', 80), ct, lbDst: '10.128.0.5:8080' },
    { dp: 'node0', flow: P.tcp4(pod(0, 1), rtr(0), '10.96.0.7', 80), ct, lbDst: '10.128.2.3:8080' },
    { dp: 'node1', flow: P.tcp4(pod(1, 2), rtr(1), '10.128.0.3', 8001), ct },
    { dp: 'node1', flow: P.tcp4(pod(1, 2), rtr(1), '10.128.0.3', 9999), ct },
    { dp: 'node2', flow: P.icmp4(pod(2, 4), podMac(2, 0), '10.128.2.3'), ct },
    { dp: 'node0', flow: P.icmp4(pod(0, 3), rtr(0), '10.128.1.4'), ct },
  );
}

describe('stateful parity: k8s-like cluster with services and network policies', () => {
  const sandbox = useSandbox();
  it('identical flows and ovn-trace verdicts', async () => {
    const r = await runParityCase(sandbox(), {
      name: 'k8s',
      nbOps: [...k8sNbOps(shape), ...k8sStatefulOps(shape)],
      nbctl: [],
      packets,
    });
    console.log(formatFlowDiff('k8s 3x5, 20 VIPs, 40 ACLs', r));
    expect(r.compiled.diagnostics).toEqual([]);
    expect({ missing: r.missing, extra: r.extra }).toEqual({ missing: [], extra: [] });
    expect(r.bindings.ours).toEqual(r.bindings.real);
    for (const v of r.verdicts) expect({ ...v.packet, verdict: v.ours }).toEqual({ ...v.packet, verdict: v.real });
    // The battery reaches the interesting paths: load balancing (the --lb-dst backend) and delivery.
    expect(r.verdicts.filter((v) => /ct_lb_mark \{/.test(v.ours)).length).toBeGreaterThan(0);
    expect(r.verdicts.filter((v) => /output\(/.test(v.ours)).length).toBeGreaterThan(0);
  });
});
