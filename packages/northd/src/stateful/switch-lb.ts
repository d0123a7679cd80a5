// Load balancing on a switch (client side, 23.03 layout): with any VIP every IP packet goes through
// conntrack (pre-LB), packets to a VIP keep the original destination for hairpin checks and are
// load-balanced by ct_lb_mark (pre-stateful, LB), and a backend reaching its own VIP is hairpinned.
import type { StageName } from '../stages.js';
import { stage } from '../stages.js';
import { emptyBackendsEvent, lbTargets, type ParsedLb } from './lb-vip.js';
import type { CtDialect } from '../chassis-features.js';
import { buildSwitchLbAffinityFlows } from './lb-affinity.js';
import type { AddFlow } from '../lflow-table.js';

type Add = AddFlow;

const CT_NAT = 'reg0[2]';
const COMMIT = 'reg0[1]';
const HAIRPIN = 'reg0[6]';
const HAIRPIN_REPLY = 'reg0[12]';
const ORIG_DIP4 = 'reg1';
const ORIG_DIP6 = 'xxreg1';
const ORIG_DPORT = 'reg2[0..15]';

/** The ct_lb_mark (ct_lb) action for a VIP on a switch (or the drop/reject when it has no backend). */
export function switchVipAction(lb: ParsedLb, backendsRaw: string, nBackends: number, ct: CtDialect): string {
  if (nBackends === 0) {
    if (lb.rejectEmpty)
      return `reg0 = 0; reject { outport <-> inport; next(pipeline=egress,table=${stage('ls_out_qos_mark').table});};`;
    return 'drop;';
  }
  const fields = [...lb.nb.selection_fields].sort().join(',');
  return `${ct.lb}(backends=${backendsRaw}${fields ? `; hash_fields="${fields}"` : ''});`;
}

export function buildSwitchLbFlows(lbs: readonly ParsedLb[], hasLbVip: boolean, ct: CtDialect, add: Add): void {
  if (hasLbVip) {
    add('ls_in_pre_lb', 100, 'ip', `${CT_NAT} = 1; next;`);
    add('ls_out_pre_lb', 100, 'ip', `${CT_NAT} = 1; next;`);

    add(
      'ls_in_pre_hairpin',
      100,
      'ip && ct.trk',
      `${HAIRPIN} = chk_lb_hairpin(); ${HAIRPIN_REPLY} = chk_lb_hairpin_reply(); next;`,
    );
    add('ls_in_nat_hairpin', 100, `ip && ct.new && ct.trk && ${HAIRPIN} == 1`, 'ct_snat_to_vip; next;');
    add('ls_in_nat_hairpin', 100, `ip && ct.est && ct.trk && ${HAIRPIN} == 1`, 'ct_snat;');
    add('ls_in_nat_hairpin', 90, `ip && ${HAIRPIN_REPLY} == 1`, 'ct_snat;');
    add(
      'ls_in_hairpin',
      1,
      `(${HAIRPIN} == 1 || ${HAIRPIN_REPLY} == 1)`,
      'eth.dst <-> eth.src; outport = inport; flags.loopback = 1; output;',
    );
  }

  for (const lb of lbs) {
    buildSwitchLbAffinityFlows(lb, add);
    for (const vip of lb.vips) {
      const ip = vip.family === 4 ? 'ip4' : 'ip6';
      const l4 = vip.port ? ` && ${lb.proto}.dst == ${vip.port}` : '';
      const save = `${vip.family === 4 ? ORIG_DIP4 : ORIG_DIP6} = ${vip.ip}; ${vip.port ? `${ORIG_DPORT} = ${vip.port}; ` : ''}`;
      add('ls_in_pre_stateful', 120, `${CT_NAT} == 1 && ${ip}.dst == ${vip.ip}${l4}`, `${save}${ct.lb};`);

      const targets = lbTargets(vip);
      const action = switchVipAction(lb, targets.raw, targets.count, ct);
      // A load-balanced packet must not be committed again by the stateful stage.
      const full = targets.count ? `${COMMIT} = 0; ${action}` : action;
      const rejects = !targets.count && lb.rejectEmpty;
      add(
        'ls_in_lb',
        vip.port ? 120 : 110,
        `ct.new && ${ip}.dst == ${vip.ip}${l4}`,
        full,
        undefined,
        rejects ? 'reject' : undefined,
      );
      const ev = emptyBackendsEvent(lb, vip);
      if (ev) add('ls_in_pre_lb', 130, ev.match, ev.action, undefined, 'event-elb');
    }
  }
}
