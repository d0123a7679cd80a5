// trigger_event (pure part): the userdata of a controller event — event type (4 bytes), then TLVs of
// option code (2 bytes), length (2 bytes) and text — read back into the SB Controller_Event columns.
const EVENT_TYPES: Record<number, 'empty_lb_backends'> = { 0: 'empty_lb_backends' };
const OPTION_NAMES: Record<number, string> = { 1: 'vip', 2: 'protocol', 3: 'load_balancer' };

export interface ControllerEventData {
  readonly type: 'empty_lb_backends';
  readonly info: Readonly<Record<string, string>>;
}

export function parseControllerEvent(body: Buffer): ControllerEventData | undefined {
  if (body.length < 4) return undefined;
  const type = EVENT_TYPES[body.readUInt32BE(0)];
  if (!type) return undefined;
  const info: Record<string, string> = {};
  let i = 4;
  while (i + 4 <= body.length) {
    const code = body.readUInt16BE(i);
    const len = body.readUInt16BE(i + 2);
    if (i + 4 + len > body.length) return undefined;
    const name = OPTION_NAMES[code];
    if (name) info[name] = body.subarray(i + 4, i + 4 + len).toString('utf8');
    i += 4 + len;
  }
  return { type, info };
}
