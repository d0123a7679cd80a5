// Builds NB inputs in code for unit tests: switches, ports, routers, routes, with schema defaults.
import type {
  GatewayChassis,
  HAChassis,
  HAChassisGroup,
  LogicalRouter,
  LogicalRouterPort,
  LogicalRouterStaticRoute,
  LogicalSwitch,
  LogicalSwitchPort,
  NBGlobal,
} from '@ovnts/schema/nb';
import { schema } from '@ovnts/schema/nb';
import type { Uuid } from 'ovsdb-client-ts';
import { NB_INPUT_TABLES, type NbInput } from '../input.js';
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
  readonly haGroups = new Map<string, Mutable<HAChassisGroup>>();
  readonly haChassis = new Map<string, HAChassis>();
  readonly gatewayChassis = new Map<string, GatewayChassis>();

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

  /** A gateway chassis of a router port (making it a distributed gateway port). */
  gwChassis(lrp: string, chassis: string, priority: number): this {
    const row = makeRow<GatewayChassis>(
      schema,
      'Gateway_Chassis',
      { name: `${lrp}-${chassis}`, chassis_name: chassis, priority },
      nextUuid(),
    );
    this.gatewayChassis.set(row._uuid, row);
    this.lrps.get(lrp)!.gateway_chassis.push(row._uuid);
    return this;
  }

  /** An HA chassis group with (chassis, priority) members; `uuidOf` names it for ports. */
  haGroup(name: string, members: readonly (readonly [string, number])[]): this {
    const ha = members.map(([chassis_name, priority]) =>
      makeRow<HAChassis>(schema, 'HA_Chassis', { chassis_name, priority }, nextUuid()),
    );
    for (const c of ha) this.haChassis.set(c._uuid, c);
    const g = makeRow<HAChassisGroup>(
      schema,
      'HA_Chassis_Group',
      { name, ha_chassis: ha.map((c) => c._uuid) },
      nextUuid(),
    );
    this.haGroups.set(name, g);
    return this;
  }

  build(): NbInput {
    const m = <T extends { _uuid: string }>(rows: Iterable<T>) =>
      new Map([...rows].map((r) => [r._uuid as Uuid<never>, r]));
    // Every input table the builder has no rows for is empty.
    const empty = Object.fromEntries(NB_INPUT_TABLES.map((t) => [t, new Map()]));
    return {
      ...empty,
      NB_Global: m([this.global]),
      Logical_Switch: m(this.switches.values()),
      Logical_Switch_Port: m(this.lsps.values()),
      Logical_Router: m(this.routers.values()),
      Logical_Router_Port: m(this.lrps.values()),
      Logical_Router_Static_Route: m(this.routes.values()),
      Logical_Router_Policy: m([]),
      ACL: m([]),
      Port_Group: m([]),
      Address_Set: m([]),
      Load_Balancer: m([]),
      Load_Balancer_Group: m([]),
      NAT: m([]),
      DHCP_Options: m([]),
      HA_Chassis_Group: m(this.haGroups.values()),
      HA_Chassis: m(this.haChassis.values()),
      Gateway_Chassis: m(this.gatewayChassis.values()),
      Meter: m([]),
      Meter_Band: m([]),
    } as unknown as NbInput;
  }
}
