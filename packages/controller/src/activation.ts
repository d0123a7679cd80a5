// options:activation-strategy=rarp of a multi-chassis port: on an additional chassis the port stays blocked
// (nothing in, nothing out) until the VM sends a RARP from there, e.g. when a live migration lands. The RARP
// itself goes to pinctrl (which records the chassis in options:additional-chassis-activated) and on through the
// pipeline; once the SB lists this chassis, the block flows go away.
import type { Action, Flow, MatchEntry } from '@ovnts/openflow';
import { m } from '@ovnts/openflow';
import { OFTABLE, OPCODE, controllerUserdata } from '@ovnts/expr';
import type { PortBinding } from '@ovnts/schema/sb';
import type { LocalView } from './view.js';
import { uuidCookie } from './view.js';

const ETH_TYPE_RARP = 0x8035;

/** The chassis names in a port's options:additional-chassis-activated. */
export function activatedChassis(pb: PortBinding): string[] {
  return (pb.options['additional-chassis-activated'] ?? '').split(',').filter((c) => c !== '');
}

/** Whether the port waits here for its activation: an additional chassis, strategy rarp, not activated yet. */
export function awaitsRarp(view: Pick<LocalView, 'chassis' | 'chassisName'>, pb: PortBinding): boolean {
  const me = view.chassis;
  return (
    !!me &&
    (pb.additional_chassis ?? []).includes(me._uuid) &&
    pb.options['activation-strategy'] === 'rarp' &&
    !activatedChassis(pb).includes(view.chassisName)
  );
}

/**
 * The block flows of a port awaiting its RARP: table 0 drops everything from its interface but RARP (which
 * enters the pipeline, `ingress` being the port's usual metadata loads, after telling pinctrl), and table 65
 * drops everything to it.
 */
export function rarpActivationFlows(
  pb: PortBinding,
  portMatch: readonly MatchEntry[],
  ofport: number,
  ingress: readonly Action[],
  toLogical: Action,
): Flow[] {
  const cookie = uuidCookie(pb._uuid);
  const inPort: MatchEntry = m('in_port', ofport);
  return [
    {
      table: OFTABLE.phyToLog,
      priority: 1010,
      cookie,
      match: [inPort, m('eth_type', ETH_TYPE_RARP)],
      actions: [
        ...ingress,
        { type: 'controller', userdata: controllerUserdata(OPCODE.activationStrategyRarp) },
        toLogical,
      ],
    },
    { table: OFTABLE.phyToLog, priority: 1000, cookie, match: [inPort], actions: [] },
    {
      table: OFTABLE.logToPhy,
      priority: 1000,
      cookie,
      match: [...portMatch],
      actions: [],
    },
  ];
}

/** The options:additional-chassis-activated value once `chassisName` is added (null: already listed). */
export function withActivated(pb: PortBinding, chassisName: string): string | null {
  const list = activatedChassis(pb);
  return list.includes(chassisName) ? null : [...list, chassisName].join(',');
}
