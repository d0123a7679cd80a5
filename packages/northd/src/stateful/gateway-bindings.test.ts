import { describe, expect, it } from 'vitest';
import type { RouterDatapath, RouterPort } from '../topology.js';
import { redirectPorts } from './gateway-bindings.js';

/** A router with ports `gw` (a distributed gateway port: gateway chassis listed) and `plain`. */
function router(): RouterDatapath & { ports: RouterPort[] } {
  const lr = {
    kind: 'router',
    uuid: 'lr',
    name: 'lr',
    nb: { options: {} },
    ports: [],
    routes: [],
  } as unknown as RouterDatapath & {
    ports: RouterPort[];
  };
  const port = (name: string, gateway: string[]) =>
    ({
      kind: 'lrp',
      name,
      dp: lr,
      nb: { gateway_chassis: gateway, ha_chassis_group: null, options: {} },
    }) as unknown as RouterPort;
  lr.ports.push(port('gw', ['gc1']), port('plain', []));
  return lr;
}

describe('redirectPorts', () => {
  it('maps each distributed gateway port to its chassisredirect port', () => {
    expect([...redirectPorts(router())]).toEqual([['gw', 'cr-gw']]);
  });

  it('answers a router again from the same map while its row and ports stay', () => {
    const lr = router();
    expect(redirectPorts(lr)).toBe(redirectPorts(lr));
  });

  it('reads the router again when it points at a new row or its port list changed', () => {
    const lr = router();
    const before = redirectPorts(lr);
    // A gateway router (options:chassis) has no chassisredirect ports.
    (lr as { nb: unknown }).nb = { options: { chassis: 'hv1' } };
    expect(redirectPorts(lr).size).toBe(0);
    (lr as { nb: unknown }).nb = { options: {} };
    const again = redirectPorts(lr);
    expect(again).not.toBe(before);
    expect([...again]).toEqual([['gw', 'cr-gw']]);
    lr.ports.push({ ...lr.ports[0]!, name: 'gw2' });
    expect([...redirectPorts(lr)]).toEqual([
      ['gw', 'cr-gw'],
      ['gw2', 'cr-gw2'],
    ]);
  });
});
