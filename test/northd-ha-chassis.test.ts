// SB HA_Chassis_Group / HA_Chassis rows, Port_Binding.ha_chassis_group and requested_chassis, and
// ref_chassis: the same NB and SB edits against the real ovn-northd 23.03 and ovnts-northd, compared
// by content (names, priorities, which chassis, which ports) after each step.
import { describe, expect, it } from 'vitest';
import { useSandbox, waitFor, routerPortArgs, type Sandbox } from '@ovnts/test-harness';
import { startOvntsNorthd } from '@ovnts/northd/testing';

type Json = { headings: string[]; data: unknown[][] };

async function list(sb: Sandbox, remote: string, table: string, columns: string): Promise<Record<string, unknown>[]> {
  const out = await sb.runOk('ovn-sbctl', [`--db=${remote}`, '-f', 'json', `--columns=${columns}`, 'list', table]);
  const j = JSON.parse(out) as Json;
  const value = (v: unknown): unknown =>
    Array.isArray(v)
      ? v[0] === 'uuid'
        ? v[1]
        : v[0] === 'set'
          ? (v[1] as unknown[]).map(value)
          : v[0] === 'map'
            ? Object.fromEntries(v[1] as [string, string][])
            : v
      : v;
  return j.data.map((r) => Object.fromEntries(j.headings.map((h, i) => [h, value(r[i])])));
}

/** The HA state by names only: groups with members (chassis name, priority, bound), ports' groups, ref chassis. */
async function haState(sb: Sandbox, remote: string) {
  const chassis = new Map((await list(sb, remote, 'Chassis', '_uuid,name')).map((c) => [c['_uuid'], c['name']]));
  const members = new Map(
    (await list(sb, remote, 'HA_Chassis', '_uuid,chassis,priority,external_ids')).map((m) => [m['_uuid'], m]),
  );
  const groups = await list(sb, remote, 'HA_Chassis_Group', '_uuid,name,ha_chassis,ref_chassis');
  const asSet = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const groupName = new Map(groups.map((g) => [g['_uuid'], g['name']]));
  const pbs = await list(sb, remote, 'Port_Binding', 'logical_port,ha_chassis_group,requested_chassis');
  return {
    groups: groups
      .map((g) => ({
        name: g['name'],
        members: asSet(g['ha_chassis'])
          .map((u) => members.get(u)!)
          .map((m) => ({
            name: (m['external_ids'] as Record<string, string>)['chassis-name'],
            priority: m['priority'],
            bound: chassis.get(asSet(m['chassis'])[0]) ?? null,
          }))
          .sort((a, b) => String(a.name).localeCompare(String(b.name))),
        ref: asSet(g['ref_chassis'])
          .map((u) => chassis.get(u))
          .sort(),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    ports: Object.fromEntries(
      pbs
        .filter((p) => asSet(p['ha_chassis_group']).length || asSet(p['requested_chassis']).length)
        .map((p) => [
          p['logical_port'],
          {
            group: groupName.get(asSet(p['ha_chassis_group'])[0]) ?? null,
            requested: chassis.get(asSet(p['requested_chassis'])[0]) ?? null,
          },
        ]),
    ),
    haChassisRows: members.size,
  };
}

type Step = readonly [tool: 'nb' | 'sb', ...args: string[]];
const STEPS: readonly (readonly Step[])[] = [
  [
    ['sb', 'chassis-add', 'gw1', 'geneve', '127.0.0.11'],
    ['sb', 'chassis-add', 'comp1', 'geneve', '127.0.0.12'],
    ['nb', 'lr-add', 'lr0'],
    ['nb', 'lrp-add', 'lr0', 'lr0-public', '00:00:20:20:12:13', '172.168.0.100/24'],
    ['nb', 'lrp-add', 'lr0', 'lr0-sw0', '00:00:20:20:12:14', '10.0.0.1/24'],
    ['nb', 'ls-add', 'sw0'],
    ['nb', ...routerPortArgs('sw0', 'sw0-lr0', 'lr0-sw0')],
    ['nb', 'lsp-add', 'sw0', 'sw0-p1'],
    ['nb', 'lrp-set-gateway-chassis', 'lr0-public', 'gw1', '20'],
    ['nb', 'lrp-set-gateway-chassis', 'lr0-public', 'gw2', '10'],
  ],
  [['sb', 'lsp-bind', 'sw0-p1', 'comp1']],
  [
    ['sb', 'chassis-add', 'gw2', 'geneve', '127.0.0.13'],
    ['nb', 'ha-chassis-group-add', 'hagrp1'],
    ['nb', 'ha-chassis-group-add-chassis', 'hagrp1', 'gw1', '30'],
    ['nb', 'lsp-add', 'sw0', 'ext1', '--', 'lsp-set-type', 'ext1', 'external'],
    ['nb', 'lsp-set-options', 'sw0-p1', 'requested-chassis=comp1'],
  ],
  [['nb', 'lrp-del-gateway-chassis', 'lr0-public', 'gw2']],
  [['nb', 'clear', 'logical_router_port', 'lr0-public', 'gateway_chassis']],
];

describe('HA chassis groups in the SB, as the real ovn-northd writes them', () => {
  const sandbox = useSandbox();

  it(
    'the same steps give the same groups, members, port references and ref_chassis',
    { timeout: 240_000 },
    async () => {
      const states: Awaited<ReturnType<typeof haState>>[][] = [];
      for (const impl of ['real', 'ovnts'] as const) {
        const sb = sandbox();
        const { nb, sb: sbdb } = await sb.startCentral();
        await sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, 'init']);
        if (impl === 'real') await sb.startRealNorthd(nb.remotes.unix, sbdb.remotes.unix);
        else await startOvntsNorthd(sb, nb.remotes.unix, sbdb.remotes.unix);
        const run = async ([tool, ...args]: Step) => {
          if (tool === 'nb') return sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, '--timeout=10', ...args]);
          return sb.runOk('ovn-sbctl', [`--db=${sbdb.remotes.unix}`, '--timeout=10', ...args]);
        };
        const mine: Awaited<ReturnType<typeof haState>>[] = [];
        for (const [i, step] of STEPS.entries()) {
          for (const s of step) await run(s);
          if (i === 2) {
            const grp = await sb.runOk('ovn-nbctl', [
              `--db=${nb.remotes.unix}`,
              '--bare',
              '--columns=_uuid',
              'find',
              'HA_Chassis_Group',
              'name=hagrp1',
            ]);
            await run(['nb', 'set', 'logical_switch_port', 'ext1', `ha_chassis_group=${grp.trim()}`]);
          }
          await run(['nb', '--wait=sb', 'sync']);
          // ref_chassis follows the port claims, a moment after the round that saw them.
          const read = () => haState(sb, sbdb.remotes.unix);
          const want = impl === 'ovnts' ? JSON.stringify(states[0]![i]) : undefined;
          if (want)
            await waitFor(`step ${i}`, async () => JSON.stringify(await read()) === want).catch(() => undefined);
          else await new Promise((r) => setTimeout(r, 1000));
          mine.push(await read());
        }
        states.push(mine);
      }
      const [real, ovnts] = states;
      expect(real![1]!.groups[0]!.ref).toEqual(['comp1']);
      expect(real![2]!.ports['ext1']).toEqual({ group: 'hagrp1', requested: null });
      expect(ovnts).toEqual(real);
    },
  );
});
