// Switch ACLs and the conntrack stages around them, in the 23.03 layout: pre-ACL (defragment and
// track IP when any ACL is allow-related), ACL hints (which kinds of ACL flow a packet can hit given
// its conntrack state), the ACLs themselves (priority + 1000) with the fixed established/related/
// invalid handling above them and the commit-by-default flows below.
import type { ACL } from '@ovnts/schema/nb';
import type { StageName } from '../stages.js';
import { stage } from '../stages.js';
import type { SwitchDatapath } from '../topology.js';
import type { ConntrackFlags, SwitchStateful } from './switch-config.js';
import { aclLogMeter } from './meters.js';
import type { AddFlow } from '../lflow-table.js';

type Add = AddFlow;

/** ACL priorities sit above the fixed low-priority flows. */
const ACL_PRI_OFFSET = 1000;
const PRI_FIXED = 65532;
/** Logged reply and related traffic of an ACL with options:log-related, just above the fixed flows. */
const PRI_LOG_RELATED = 65533;
const PRI_SERVICE = 34000;

// Register bits (REGBIT_* in the 23.03 pipeline).
const DEFRAG = 'reg0[0]';
const COMMIT = 'reg0[1]';
const HINT_ALLOW_NEW = 'reg0[7]';
const HINT_ALLOW = 'reg0[8]';
const HINT_DROP = 'reg0[9]';
const HINT_BLOCK = 'reg0[10]';
const ACL_LABEL = 'reg0[13]';
const STATELESS = 'reg0[16]';
const HINT_ALLOW_REL = 'reg0[17]';
const LABEL_REG = 'reg3';

const IMPLICIT_DROP = '/* drop */';
const ND_CT_OMIT = 'nd || nd_rs || nd_ra || mldv1 || mldv2 || (udp && udp.src == 546 && udp.dst == 547)';

const q = (s: string) => JSON.stringify(s);

export function buildAclFlows(sw: Pick<SwitchDatapath, 'ports'>, st: SwitchStateful, add: Add): void {
  const hasStateful = st.hasStatefulAcl || st.hasLbVip;
  const BLOCKED = `${st.ct.flags}.blocked`;
  buildPreAcl(sw, st, add);
  buildHints(st, add);

  // What no ACL allows: passed, or dropped with default_acl_drop.
  const byDefault = st.acl.defaultDrop ? 'drop;' : 'next;';
  const notInv = st.acl.ctInvMatch ? ' && !ct.inv' : '';
  if (!st.hasAcls) {
    if (st.hasLbVip) {
      add('ls_in_acl', 0, '1', 'next;');
      add('ls_out_acl', 0, '1', 'next;');
    }
    add('ls_in_acl_after_lb', 0, '1', 'next;');
    // Without ACLs or VIPs the core skeleton passes everything at 65535.
  } else {
    add('ls_in_acl', 0, '1', byDefault);
    add('ls_out_acl', 0, '1', byDefault);
    add('ls_in_acl_after_lb', 0, '1', byDefault);
  }

  if (hasStateful) {
    for (const s of ['ls_in_acl', 'ls_out_acl'] as const) {
      add(s, 1, `ip && ct.est && ${BLOCKED} == 1`, `${COMMIT} = 1; next;`);
      add(s, 1, 'ip && !ct.est', st.acl.defaultDrop ? 'drop;' : `${COMMIT} = 1; next;`);
      add(s, PRI_FIXED, `${st.acl.ctInvMatch ? 'ct.inv || ' : ''}(ct.est && ct.rpl && ${BLOCKED} == 1)`, 'drop;');
    }
    const reply = `ct.est && !ct.rel && !ct.new${notInv} && ct.rpl && ${BLOCKED} == 0`;
    add('ls_in_acl', PRI_FIXED, reply, `${HINT_DROP} = 0; ${HINT_BLOCK} = 0; ${HINT_ALLOW_REL} = 1; next;`);
    add('ls_out_acl', PRI_FIXED, reply, 'next;');
    const related = `!ct.est && ct.rel && !ct.new${notInv} && ${BLOCKED} == 0`;
    // Related traffic is NATed like its connection only where every chassis can (ovn-ct-lb-related).
    const commitNat = st.ct.lbRelated ? 'ct_commit_nat;' : 'next;';
    add('ls_in_acl', PRI_FIXED, related, `${HINT_ALLOW_REL} = 1; ${commitNat}`);
    add('ls_out_acl', PRI_FIXED, related, commitNat);
    add('ls_in_acl_after_lb', PRI_FIXED, `${HINT_ALLOW_REL} == 1`, 'next;');
  }

  for (const acl of st.acls) buildAcl(acl, hasStateful, BLOCKED, notInv, st.acl.fairMeters, add);

  if (st.hasAcls || st.hasLbVip) {
    add('ls_in_acl', PRI_SERVICE, 'eth.dst == $svc_monitor_mac', 'next;');
    add('ls_out_acl', PRI_SERVICE, 'eth.src == $svc_monitor_mac', 'next;');
  }
}

function buildPreAcl(sw: Pick<SwitchDatapath, 'ports'>, st: SwitchStateful, add: Add): void {
  const stateless = () => {
    for (const acl of st.acls) addStatelessPreAcl(acl, add);
  };
  if (st.hasStatefulAcl) {
    // Router and localnet ports never go through conntrack (their state lives on other chassis).
    for (const p of sw.ports) {
      if (p.type !== 'router' && p.type !== 'localnet') continue;
      add('ls_in_pre_acl', 110, `ip && inport == ${q(p.name)}`, 'next;');
      add('ls_out_pre_acl', 110, `ip && outport == ${q(p.name)}`, 'next;');
    }
    stateless();
    for (const s of ['ls_in_pre_acl', 'ls_out_pre_acl'] as const) {
      add(s, 110, ND_CT_OMIT, 'next;');
      add(s, 110, 'eth.mcast', 'next;');
      add(s, 100, 'ip', `${DEFRAG} = 1; next;`);
    }
  } else if (st.hasLbVip) {
    stateless();
  }
}

/** An allow-stateless ACL skips conntrack (pre-ACL stages of a switch with stateful ACLs or VIPs). */
function addStatelessPreAcl(acl: ACL, add: Add): void {
  if (acl.action !== 'allow-stateless') return;
  const s = acl.direction === 'from-lport' ? 'ls_in_pre_acl' : 'ls_out_pre_acl';
  add(s, acl.priority + ACL_PRI_OFFSET, acl.match, `${STATELESS} = 1; next;`);
}

/**
 * The flows `buildAclFlows` adds for `acl` itself, in its order, on a switch with `st`'s flags (its
 * `acls` are not read): what the engine keeps per ACL, without building the stages' fixed flows again.
 */
export function buildOneAclFlows(acl: ACL, st: ConntrackFlags, add: Add): void {
  const hasStateful = st.hasStatefulAcl || st.hasLbVip;
  if (hasStateful) addStatelessPreAcl(acl, add);
  buildAcl(acl, hasStateful, `${st.ct.flags}.blocked`, st.acl.ctInvMatch ? ' && !ct.inv' : '', st.acl.fairMeters, add);
}

function buildHints(st: SwitchStateful, add: Add): void {
  const BLOCKED = `${st.ct.flags}.blocked`;
  if (!st.hasAcls && !st.hasLbVip) return;
  for (const s of ['ls_in_acl_hint', 'ls_out_acl_hint'] as const) {
    add(s, 0, '1', 'next;');
    if (!st.hasStatefulAcl && !st.hasLbVip) continue;
    add(s, 7, 'ct.new && !ct.est', `${HINT_ALLOW_NEW} = 1; ${HINT_DROP} = 1; next;`);
    add(s, 6, `!ct.new && ct.est && !ct.rpl && ${BLOCKED} == 1`, `${HINT_ALLOW_NEW} = 1; ${HINT_DROP} = 1; next;`);
    add(s, 5, '!ct.trk', `${HINT_ALLOW} = 1; ${HINT_DROP} = 1; next;`);
    add(s, 4, `!ct.new && ct.est && !ct.rpl && ${BLOCKED} == 0`, `${HINT_ALLOW} = 1; ${HINT_BLOCK} = 1; next;`);
    add(s, 3, '!ct.est', `${HINT_DROP} = 1; next;`);
    add(s, 2, `ct.est && ${BLOCKED} == 1`, `${HINT_DROP} = 1; next;`);
    add(s, 1, `ct.est && ${BLOCKED} == 0`, `${HINT_BLOCK} = 1; next;`);
  }
}

/** The `log(...)` prefix of an ACL's actions, or "". `fair`: the names of the NB meters that are fair. */
export function aclLog(acl: ACL, fair: ReadonlySet<string>): string {
  if (!acl.log) return '';
  const parts: string[] = [];
  if (acl.name !== null) parts.push(`name=${q(acl.name)}`);
  parts.push(`severity=${acl.severity ?? 'info'}`);
  const verdict = acl.action === 'drop' ? 'drop' : acl.action === 'reject' ? 'reject' : 'allow';
  parts.push(`verdict=${verdict}`);
  const meter = aclLogMeter(acl, fair);
  if (meter !== null) parts.push(`meter=${q(meter)}`);
  return `log(${parts.join(', ')}); `;
}

function aclStage(acl: ACL): StageName {
  if (acl.direction !== 'from-lport') return 'ls_out_acl';
  return acl.options['apply-after-lb'] === 'true' ? 'ls_in_acl_after_lb' : 'ls_in_acl';
}

/** Reject: answer with a TCP RST / ICMP unreachable sent back the way the packet came. */
function addReject(
  acl: ACL,
  s: StageName,
  extraMatch: string,
  extraActions: string,
  fair: ReadonlySet<string>,
  add: Add,
): void {
  const ingress = stage(s).pipeline === 'ingress';
  const next = ingress
    ? `next(pipeline=egress,table=${stage('ls_out_qos_mark').table});`
    : `next(pipeline=ingress,table=${stage('ls_in_l2_lkup').table});`;
  const match = extraMatch ? `(${extraMatch}) && ${acl.match}` : acl.match;
  const actions =
    // The extra actions end in a space and get one more (as 23.03 writes them).
    `${aclLog(acl, fair)}${extraActions ? `${extraActions} ` : ''}reg0 = 0; ` +
    `reject { /* eth.dst <-> eth.src; ip.dst <-> ip.src; is implicit. */ outport <-> inport; ${next} };`;
  add(s, acl.priority + ACL_PRI_OFFSET, match, actions, undefined, 'reject');
}

/** `BLOCKED`: the conntrack flag of connections an ACL dropped (ct_mark.blocked or ct_label.blocked). */
function buildAcl(
  acl: ACL,
  hasStateful: boolean,
  BLOCKED: string,
  notInv: string,
  fair: ReadonlySet<string>,
  add: Add,
): void {
  const s = aclStage(acl);
  const prio = acl.priority + ACL_PRI_OFFSET;
  const log = aclLog(acl, fair);
  const label = acl.label ? `${ACL_LABEL} = 1; ${LABEL_REG} = ${acl.label}; ` : '';
  switch (acl.action) {
    case 'allow-stateless':
      add(s, prio, acl.match, `${log}next;`);
      return;
    case 'allow':
    case 'allow-related':
      if (!hasStateful) {
        add(s, prio, acl.match, `${log}next;`);
        return;
      }
      // New (or re-allowed) connections are committed; established ones just pass (re-committed
      // only to refresh a label).
      add(s, prio, `${HINT_ALLOW_NEW} == 1 && (${acl.match})`, `${COMMIT} = 1; ${label}${log}next;`);
      add(s, prio, `${HINT_ALLOW} == 1 && (${acl.match})`, `${label ? `${COMMIT} = 1; ${label}` : ''}${log}next;`);
      if (acl.log && acl.label && acl.options['log-related'] === 'true') {
        const rs: StageName = acl.direction === 'from-lport' ? 'ls_out_acl' : 'ls_in_acl';
        const lbl = `${BLOCKED} == 0 && ct_label.label == ${acl.label}`;
        add(rs, PRI_LOG_RELATED, `ct.est && !ct.rel && !ct.new${notInv} && ct.rpl && ${lbl}`, `${log}next;`);
        add(rs, PRI_LOG_RELATED, `!ct.est && ct.rel && !ct.new${notInv} && ${lbl}`, `${log}next;`);
      }
      return;
    case 'drop':
    case 'reject': {
      const reject = acl.action === 'reject';
      if (!hasStateful) {
        if (reject) addReject(acl, s, '', '', fair, add);
        else add(s, prio, acl.match, `${log}${IMPLICIT_DROP}`);
        return;
      }
      // Untracked or new: just drop. Established and allowed so far: mark the connection blocked.
      const block = `ct_commit { ${BLOCKED} = 1; }; `;
      if (reject) {
        addReject(acl, s, `${HINT_DROP} == 1`, '', fair, add);
        addReject(acl, s, `${HINT_BLOCK} == 1`, block, fair, add);
      } else {
        add(s, prio, `${HINT_DROP} == 1 && (${acl.match})`, `${log}${IMPLICIT_DROP}`);
        add(s, prio, `${HINT_BLOCK} == 1 && (${acl.match})`, `${block}${log}${IMPLICIT_DROP}`);
      }
      return;
    }
  }
}
