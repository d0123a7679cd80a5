// @ovnts/northd: the NB → SB compiler and (in bin/) the ovnts-northd daemon.
export { compile, type CompileOptions, type CompiledSb } from './compile.js';
export type { NbInput, SbKeyInput, TablesView } from './input.js';
export { NB_INPUT_TABLES, SB_INPUT_TABLES } from './input.js';
export type { DatapathBindingOut, PortBindingOut, MulticastGroupOut } from './bindings.js';
export type { LogicalFlow } from './lflow-table.js';
export { flowKey } from './lflow-table.js';
export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';
export { STAGES, stage, type Stage, type StageName, type Pipeline, type DatapathKind } from './stages.js';
export { KEY_RANGES, MC_KEYS } from './keys.js';
// SB rows as OVSDB insert operations (offload's what-if replays compiled SB into a scratch database).
export { insertOps } from './sb-json.js';
