// Builds NB inputs in code for unit tests: switches, ports, routers, routes, with schema defaults.
import type {
  LogicalRouter,
  LogicalRouterPort,
  LogicalRouterStaticRoute,
  LogicalSwitch,
  LogicalSwitchPort,
  NBGlobal,
} from '@ovnts/schema/nb';
import { schema } from '@ovnts/schema/nb';
import type { Uuid } from 'ovsdb-client-ts';
import type { NbInput } from '../input.js';
import { makeRow } from './rows.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

let counter = 0;
/** Deterministic UUIDs so compiled output is reproducible across test runs. */
function nextUuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export class NbBuilder {
  readonly switches = new Map<string, Mutable<LogicalSwitch>>();
  readonly lsps = new Map<string, Mutable<LogicalSwitchPort>>();
  readonly routers = new Map<string, Mutable<LogicalRouter>>();
  readonly lrps = new Map<string, Mutable<LogicalRouterPort>>();
  readonly routes = new Map<string, Mutable<LogicalRouterStaticRoute>>();
  readonly global: Mutable<NBGlobal> = makeRow<NBGlobal>(schema, 'NB_Global', {}, nextUuid());

  ls(name: string, values: Partial<LogicalSwitch> = {}): this {
    this.switches.set(name, makeRow<LogicalSwitch>(schema, 'Logical_Switch', { name, ...values }, nextUuid()));
    return this;
  }

  lsp(ls: string, name: string, values: Partial<LogicalSwitchPort> = {}): this {
    const row = makeRow<LogicalSwitchPort>(schema, 'Logical_Switch_Port', { name, ...values }, nextUuid());
    this.lsps.set(name, row);
    const sw = this.switches.get(ls)!;
    sw.ports.push(row._uuid);
    return this;
  }

  /** A VIF with "MAC IP…" addresses. */
  vif(ls: string, name: string, addresses: string, values: Partial<LogicalSwitchPort> = {}): this {
    return this.lsp(ls, name, { addresses: [addresses], ...values });
  }

  lr(name: string, values: Partial<LogicalRouter> = {}): this {
    this.routers.set(name, makeRow<LogicalRouter>(schema, 'Logical_Router', { name, ...values }, nextUuid()));
    return this;
  }

  lrp(lr: string, name: string, mac: string, networks: string[], values: Partial<LogicalRouterPort> = {}): this {
    const row = makeRow<LogicalRouterPort>(
      schema,
      'Logical_Router_Port',
      { name, mac, networks, ...values },
      nextUuid(),
    );
    this.lrps.set(name, row);
    const r = this.routers.get(lr)!;
    r.ports.push(row._uuid);
    return this;
  }

  /** Connect a router to a switch: the router port plus the switch's "router" port (name `<ls>-<lr>`). */
  link(lr: string, ls: string, mac: string, networks: string[]): this {
    const lrpName = `${lr}-${ls}`;
    this.lrp(lr, lrpName, mac, networks);
    return this.lsp(ls, `${ls}-${lr}`, { type: 'router', addresses: ['router'], options: { 'router-port': lrpName } });
  }

  route(lr: string, prefix: string, nexthop: string, values: Partial<LogicalRouterStaticRoute> = {}): this {
    const row = makeRow<LogicalRouterStaticRoute>(
      schema,
      'Logical_Router_Static_Route',
      { ip_prefix: prefix, nexthop, ...values },
      nextUuid(),
    );
    this.routes.set(row._uuid, row);
    const r = this.routers.get(lr)!;
    r.static_routes.push(row._uuid);
    return this;
  }

  build(): NbInput {
    const m = <T extends { _uuid: string }>(rows: Iterable<T>) =>
      new Map([...rows].map((r) => [r._uuid as Uuid<never>, r]));
    return {
      NB_Global: m([this.global]),
      Logical_Switch: m(this.switches.values()),
      Logical_Switch_Port: m(this.lsps.values()),
      Logical_Router: m(this.routers.values()),
      Logical_Router_Port: m(this.lrps.values()),
      Logical_Router_Static_Route: m(this.routes.values()),
      ACL: m([]),
      Port_Group: m([]),
      Address_Set: m([]),
      Load_Balancer: m([]),
      Load_Balancer_Group: m([]),
      NAT: m([]),
      DHCP_Options: m([]),
    } as unknown as NbInput;
  }
}
