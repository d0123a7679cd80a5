// Configurations the stateful compiler does not implement yet. They are reported once per compile as
// diagnostics (the daemon logs them) instead of silently producing a pipeline that differs from
// ovn-northd's.
import type { ACL, LoadBalancer } from '@ovnts/schema/nb';
import { rowName, type Diagnostics } from '../diagnostics.js';
import type { RouterDatapath } from '../topology.js';
import { forceSnatIps } from '../router-options.js';
import { redirectPorts } from './gateway-bindings.js';
import { lbAffinityTimeout } from './lb-affinity.js';

export function reportUnsupportedRouter(lr: RouterDatapath, nLbs: number, diag: Diagnostics): void {
  // As ovn-northd warns: balancing runs on the first gateway port's chassis only.
  if (!lr.nb.options['chassis'] && nLbs) {
    const n = redirectPorts(lr).size;
    if (n > 1)
      diag.warn(
        'Logical_Router',
        rowName(lr.nb),
        `load balancers on a router with ${n} distributed gateway ports are not supported yet`,
      );
  }
  for (const kind of ['lb', 'dnat'] as const)
    forceSnatIps(lr.nb, kind, (v) =>
      diag.warn('Logical_Router', rowName(lr.nb), `bad ip ${v} in ${kind}_force_snat_ip; ignored`),
    );
}

export function reportUnsupportedLb(lb: LoadBalancer, diag: Diagnostics): void {
  // As ovn-northd warns when it cuts an affinity timeout to its maximum.
  lbAffinityTimeout(lb, (msg) => diag.warn('Load_Balancer', rowName(lb), msg));
}

export function reportUnsupportedAcl(acl: ACL, diag: Diagnostics): void {
  if (acl.meter !== null)
    diag.warn('ACL', acl.name ?? acl._uuid, `meter ${JSON.stringify(acl.meter)}: meters are not synced to the SB yet`);
}
