// Compiled SB content as raw OVSDB operations (RFC 7047 wire format). Used to load a whole SB in one
// `transact` (tests, --dry-run output) without the client; the daemon writes differences instead.
import type { CompiledSb } from './compile.js';

type Json = unknown;
const set = (xs: readonly Json[]): Json => ['set', xs];
const map = (o: Readonly<Record<string, string>>): Json => [
  'map',
  Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
];
const named = (n: string): Json => ['named-uuid', n];
const opt = (v: Json | null): Json => (v === null ? set([]) : v);

/** Insert operations that load `c` into an empty SB, SB_Global included. */
export function insertOps(c: CompiledSb): Json[] {
  const ops: Json[] = [{ op: 'insert', table: 'SB_Global', row: { options: map(c.sbGlobalOptions) } }];
  for (const a of c.addressSets)
    ops.push({ op: 'insert', table: 'Address_Set', row: { name: a.name, addresses: set(a.addresses) } });
  for (const g of c.portGroups)
    ops.push({ op: 'insert', table: 'Port_Group', row: { name: g.name, ports: set(g.ports) } });
  for (const o of c.dhcpOptions) ops.push({ op: 'insert', table: 'DHCP_Options', row: { ...o } });
  for (const o of c.dhcpv6Options) ops.push({ op: 'insert', table: 'DHCPv6_Options', row: { ...o } });
  const dpName = new Map<string, string>();
  c.datapaths.forEach((d, i) => {
    const n = `dp${i}`;
    dpName.set(d.id, n);
    ops.push({
      op: 'insert',
      table: 'Datapath_Binding',
      'uuid-name': n,
      row: { tunnel_key: d.tunnelKey, external_ids: map(d.externalIds) },
    });
  });
  const pbName = new Map<string, string>();
  c.portBindings.forEach((p, i) => {
    const n = `pb${i}`;
    pbName.set(p.logicalPort, n);
    ops.push({
      op: 'insert',
      table: 'Port_Binding',
      'uuid-name': n,
      row: {
        logical_port: p.logicalPort,
        datapath: named(dpName.get(p.datapath)!),
        tunnel_key: p.tunnelKey,
        type: p.type,
        mac: set(p.mac),
        options: map(p.options),
        parent_port: opt(p.parentPort),
        tag: opt(p.tag),
        port_security: set(p.portSecurity),
        nat_addresses: set(p.natAddresses),
        external_ids: map(p.externalIds),
        up: false,
      },
    });
  });
  for (const g of c.multicastGroups) {
    ops.push({
      op: 'insert',
      table: 'Multicast_Group',
      row: {
        datapath: named(dpName.get(g.datapath)!),
        name: g.name,
        tunnel_key: g.tunnelKey,
        ports: set(g.ports.filter((p) => pbName.has(p)).map((p) => named(pbName.get(p)!))),
      },
    });
  }
  for (const lb of c.loadBalancers) {
    ops.push({
      op: 'insert',
      table: 'Load_Balancer',
      row: {
        name: lb.name,
        vips: map(lb.vips),
        protocol: opt(lb.protocol),
        options: map(lb.options),
        external_ids: map(lb.externalIds),
        datapaths: set(lb.datapaths.map((d) => named(dpName.get(d)!))),
      },
    });
  }
  // DNS rows name their switches (the other keyed rows are the daemon's business).
  for (const d of c.keyedRows.DNS.values()) {
    const dps = (d.datapaths ?? []).filter((id) => dpName.has(id)).map((id) => named(dpName.get(id)!));
    if (!dps.length) continue;
    const cols = d.columns as { records: Record<string, string>; external_ids: Record<string, string> };
    ops.push({
      op: 'insert',
      table: 'DNS',
      row: { records: map(cols.records), external_ids: map(cols.external_ids), datapaths: set(dps) },
    });
  }
  const groupName = new Map<string, string>();
  for (const f of c.logicalFlows) {
    let where: Record<string, Json>;
    if (f.datapaths.length === 1) {
      where = { logical_datapath: named(dpName.get(f.datapaths[0]!)!) };
    } else {
      const key = f.datapaths.join(',');
      let g = groupName.get(key);
      if (!g) {
        g = `dpg${groupName.size}`;
        groupName.set(key, g);
        ops.push({
          op: 'insert',
          table: 'Logical_DP_Group',
          'uuid-name': g,
          row: { datapaths: set(f.datapaths.map((d) => named(dpName.get(d)!))) },
        });
      }
      where = { logical_dp_group: named(g) };
    }
    ops.push({
      op: 'insert',
      table: 'Logical_Flow',
      row: {
        ...where,
        pipeline: f.pipeline,
        table_id: f.tableId,
        priority: f.priority,
        match: f.match,
        actions: f.actions,
        external_ids: map({ 'stage-name': f.stageName }),
        ...(f.ioPort !== undefined ? { tags: map({ in_out_port: f.ioPort }) } : {}),
        ...(f.meter !== undefined ? { controller_meter: f.meter } : {}),
      },
    });
  }
  return ops;
}
