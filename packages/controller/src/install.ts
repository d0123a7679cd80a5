// Applying a flow-table plan to the switch. The plan goes in one bundle, its commit sent with its adds (one
// round trip to the switch per install); when the switch refuses some flow-mods (a flow our compiler got
// wrong must not block the whole chassis), the others went in without them, and the plan is replayed one
// message at a time (the same mods again: no change for those applied) so the refused flows are reported and
// left out.
import {
  BundleError,
  type Flow,
  type OfMessage,
  type OpenFlowError,
  type SwitchConnection,
  formatFlow,
} from '@ovnts/openflow';

/** What sending flow-mods needs of the switch connection. */
export interface FlowModSwitch extends Pick<SwitchConnection, 'bundle' | 'send' | 'barrier'> {
  on(event: 'switch_error', listener: (e: OpenFlowError) => void): unknown;
  off(event: 'switch_error', listener: (e: OpenFlowError) => void): unknown;
}

export interface Refused {
  readonly flow: Flow;
  readonly error: string;
}

/** Sends messages without a bundle; returns those the switch refused. */
async function sendEach(
  conn: FlowModSwitch,
  msgs: readonly OfMessage[],
): Promise<{ message: OfMessage; error: OpenFlowError }[]> {
  const byXid = new Map<number, OfMessage>();
  const refused: { message: OfMessage; error: OpenFlowError }[] = [];
  const onError = (e: OpenFlowError) => {
    const m = byXid.get(e.xid);
    if (m) refused.push({ message: m, error: e });
  };
  conn.on('switch_error', onError);
  try {
    for (const m of msgs) byXid.set(conn.send(m), m);
    await conn.barrier();
  } finally {
    conn.off('switch_error', onError);
  }
  return refused;
}

export async function applyFlowMods(conn: FlowModSwitch, msgs: readonly OfMessage[]): Promise<Refused[]> {
  if (!msgs.length) return [];
  try {
    await conn.bundle(msgs, { pipelined: true });
    return [];
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
  }
  const refused = await sendEach(conn, msgs);
  return refused.flatMap((r) =>
    r.message.type === 'flow_mod' ? [{ flow: r.message.flow, error: r.error.errorName }] : [],
  );
}

export const describeRefused = (r: Refused) => `${r.error}: ${formatFlow(r.flow)}`;
