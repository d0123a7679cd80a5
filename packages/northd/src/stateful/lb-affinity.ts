// Load balancer affinity (options:affinity_timeout), 23.03 layout. A new connection to a VIP first asks
// the affinity table (chk_lb_aff) whether this client was balanced to a backend within the timeout; if
// so it goes to that backend again (priority 150 in ls_in_lb / lr_in_dnat, above the VIP's own flow),
// otherwise the backend conntrack picked is learned (commit_lb_aff) in the stage after balancing.
// These flows always name ct_lb_mark, whatever the chassis' conntrack dialect, as ovn-northd writes them.
import type { LoadBalancer } from '@ovnts/schema/nb';
import type { StageName } from '../stages.js';
import type { LbEndpoint, LbVip, ParsedLb } from './lb-vip.js';
import { lbForcesSnat, smapBool } from '../router-options.js';
import type { RouterDatapath } from '../topology.js';

type Add = (st: StageName, prio: number, match: string, actions: string) => void;

/** Bit set by chk_lb_aff when the client has a live affinity entry. */
const KNOWN_SESSION = 'reg9[6]';
/** Where chk_lb_aff leaves the remembered backend (and its port). */
const AFF_BACKEND4 = 'reg4';
const AFF_PORT = 'reg8[0..15]';
const MAX_TIMEOUT = 65535;

/** An unsigned decimal, as OVS's str_to_uint reads one (the whole text, optional sign and spaces first). */
const UINT = /^\s*\+?\d+$/;

/**
 * options:affinity_timeout in seconds, 0 (no affinity) when absent or not an unsigned number; values
 * above 65535 are cut to 65535 (`warn` is told).
 */
export function lbAffinityTimeout(lb: Pick<LoadBalancer, 'options'>, warn?: (msg: string) => void): number {
  const v = lb.options['affinity_timeout'];
  if (v === undefined || !UINT.test(v)) return 0;
  const n = Number(v.trim());
  if (n > 0xffffffff) return 0;
  if (n > MAX_TIMEOUT) {
    warn?.(`max affinity_timeout timeout value is ${MAX_TIMEOUT}`);
    return MAX_TIMEOUT;
  }
  return n;
}

/** The registers each datapath kind uses for the VIP (saved before balancing) and an IPv6 backend. */
interface AffRegs {
  readonly vip4: string;
  readonly vip6: string;
  readonly port: string;
  readonly backend6: string;
}
const SWITCH_REGS: AffRegs = { vip4: 'reg1', vip6: 'xxreg1', port: 'reg2[0..15]', backend6: 'xxreg0' };
const ROUTER_REGS: AffRegs = { vip4: 'reg0', vip6: 'xxreg0', port: 'reg9[16..31]', backend6: 'xxreg1' };

const endpoint = (e: LbEndpoint) => (e.port ? (e.family === 6 ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`) : e.ip);

/**
 * The per-backend flows of one VIP: reuse of a remembered backend (in `lbStage`) and learning of a new
 * choice. `reuse` is what the reuse action does before ct_lb_mark; `ctFlag` goes into ct_lb_mark.
 */
function backendFlows(
  lb: ParsedLb,
  vip: LbVip,
  timeout: number,
  regs: AffRegs,
  stages: { readonly lb: StageName; readonly learn: StageName },
  reuse: string,
  ctFlag: string,
  add: Add,
): void {
  const ip = vip.family === 4 ? 'ip4' : 'ip6';
  const vipReg = vip.family === 4 ? regs.vip4 : regs.vip6;
  const backendReg = vip.family === 4 ? AFF_BACKEND4 : regs.backend6;
  const learnBase = `${KNOWN_SESSION} == 0 && ct.new && ${ip} && ${vipReg} == ${vip.ip}${vip.port ? ` && ${regs.port} == ${vip.port}` : ''} && ${ip}.dst == `;
  for (const b of vip.backends) {
    const bPort = b.port ? ` && ${lb.proto}.dst == ${b.port}` : '';
    const proto = vip.port ? `, proto = ${lb.proto}` : '';
    add(
      stages.learn,
      100,
      `${learnBase}${b.ip}${bPort}`,
      `commit_lb_aff(vip = "${endpoint(vip)}", backend = "${endpoint(b)}"${proto}, timeout = ${timeout}); /* drop */`,
    );
    add(
      stages.lb,
      150,
      `${KNOWN_SESSION} == 1 && ct.new && ${ip} && ${backendReg} == ${b.ip}${b.port ? ` && ${AFF_PORT} == ${b.port}` : ''}`,
      `${reuse}ct_lb_mark(backends=${endpoint(b)}${ctFlag});`,
    );
  }
}

/** A switch's affinity flows for one balancer (nothing without affinity_timeout). */
export function buildSwitchLbAffinityFlows(lb: ParsedLb, add: Add): void {
  const timeout = lbAffinityTimeout(lb.nb);
  if (!timeout) return;
  for (const vip of lb.vips) {
    const ip = vip.family === 4 ? 'ip4' : 'ip6';
    const vipReg = vip.family === 4 ? SWITCH_REGS.vip4 : SWITCH_REGS.vip6;
    const port = vip.port ? ` && ${SWITCH_REGS.port} == ${vip.port}` : '';
    add(
      'ls_in_lb_aff_check',
      100,
      `ct.new && ${ip} && ${vipReg} == ${vip.ip}${port}`,
      `${KNOWN_SESSION} = chk_lb_aff(); next;`,
    );
    // Reuse restores the VIP registers the hairpin stages read, and keeps the stateful stage from committing.
    const reuse = `reg0[1] = 0; ${vipReg} = ${vip.ip}; ${vip.port ? `${SWITCH_REGS.port} = ${vip.port}; ` : ''}`;
    backendFlows(lb, vip, timeout, SWITCH_REGS, { lb: 'ls_in_lb', learn: 'ls_in_lb_aff_learn' }, reuse, '', add);
  }
}

/**
 * How a router marks affinity-balanced traffic for SNAT: a router forcing SNAT for balanced traffic wins
 * over the balancer's skip_snat here (unlike the VIP's own flow).
 */
function routerAffinitySnat(lr: Pick<RouterDatapath, 'nb'>, lb: ParsedLb): 'force_snat' | 'skip_snat' | undefined {
  if (lbForcesSnat(lr.nb)) return 'force_snat';
  return smapBool(lb.nb.options, 'skip_snat', false) ? 'skip_snat' : undefined;
}

/**
 * A router's affinity flows for one balancer. The check matches the VIP's own new-connection match
 * without the gateway-chassis condition (a distributed router checks affinity on every chassis).
 */
export function buildRouterLbAffinityFlows(lr: Pick<RouterDatapath, 'nb'>, lb: ParsedLb, add: Add): void {
  const timeout = lbAffinityTimeout(lb.nb);
  if (!timeout) return;
  const snat = routerAffinitySnat(lr, lb);
  const reuseSnat = snat ? `flags.${snat}_for_lb = 1; ` : '';
  const ctFlag = snat ? `; ${snat}` : '';
  for (const vip of lb.vips) {
    const ip = vip.family === 4 ? 'ip4' : 'ip6';
    const vipReg = vip.family === 4 ? ROUTER_REGS.vip4 : ROUTER_REGS.vip6;
    const l4 = vip.port ? ` && ${lb.proto} && ${lb.proto}.dst == ${vip.port}` : '';
    const savePort = vip.port ? `${ROUTER_REGS.port} = ${lb.proto}.dst; ` : '';
    add(
      'lr_in_lb_aff_check',
      100,
      `ct.new && !ct.rel && ${ip} && ${ip}.dst == ${vip.ip}${l4}`,
      `${vipReg} = ${ip}.dst; ${savePort}${KNOWN_SESSION} = chk_lb_aff(); next;`,
    );
    const reuse = `${vipReg} = ${vip.ip}; ${reuseSnat}`;
    backendFlows(lb, vip, timeout, ROUTER_REGS, { lb: 'lr_in_dnat', learn: 'lr_in_lb_aff_learn' }, reuse, ctFlag, add);
  }
}
