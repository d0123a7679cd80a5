// Start ovnts-northd from its TypeScript source (no build needed) as a separate process in a sandbox.
import { startFromSource, type Daemon, type Sandbox } from '@ovnts/test-harness';

export async function startOvntsNorthd(
  sb: Sandbox,
  nbRemote: string,
  sbRemote: string,
  opts: { name?: string; extraArgs?: readonly string[] } = {},
): Promise<Daemon> {
  return startFromSource(sb, opts.name ?? 'ovnts-northd', 'packages/northd/src/bin/ovnts-northd.ts', [
    `--ovnnb-db=${nbRemote}`,
    `--ovnsb-db=${sbRemote}`,
    ...(opts.extraArgs ?? []),
  ]);
}
