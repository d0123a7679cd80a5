// The pure compiler: NB input (+ current SB keys) → the complete desired content of the SB tables
// northd owns. No I/O; the same input always yields the same output, in the same order.
import { buildBindings, type DatapathBindingOut, type MulticastGroupOut, type PortBindingOut } from './bindings.js';
import { Diagnostics, type Diagnostic } from './diagnostics.js';
import type { NbInput, SbKeyInput } from './input.js';
import { LflowTable, type LogicalFlow } from './lflow-table.js';
import { buildRouterFlows } from './router-flows.js';
import { buildSwitchFlows } from './switch-flows.js';
import { buildTopology } from './topology.js';

export interface CompileOptions {
  /** Current SB content, so existing tunnel keys are kept. */
  readonly sb?: SbKeyInput;
}

export interface CompiledSb {
  readonly datapaths: readonly DatapathBindingOut[];
  readonly portBindings: readonly PortBindingOut[];
  readonly multicastGroups: readonly MulticastGroupOut[];
  readonly logicalFlows: readonly LogicalFlow[];
  readonly diagnostics: readonly Diagnostic[];
}

export function compile(nb: NbInput, opts: CompileOptions = {}): CompiledSb {
  const diag = new Diagnostics();
  const topo = buildTopology(nb, diag);
  const bindings = buildBindings(topo, opts.sb, diag);
  const flows = new LflowTable();
  for (const sw of topo.switches) if (bindings.dpKeys.has(sw.uuid)) buildSwitchFlows(sw, flows);
  for (const lr of topo.routers) if (bindings.dpKeys.has(lr.uuid)) buildRouterFlows(lr, flows);
  return {
    datapaths: bindings.datapaths,
    portBindings: bindings.ports,
    multicastGroups: bindings.multicastGroups,
    logicalFlows: flows.toArray(),
    diagnostics: diag.list,
  };
}
