// @ovnts/cli: ovnts-nbctl and the ovnts umbrella as a library (run them in-process with captured output).
export { runNbctl, type Io, OVN_VERSION, OVNTS_VERSION } from './nbctl/main.js';
export { runOvnts, UMBRELLA_USAGE, type UmbrellaIo } from './umbrella.js';
export {
  parseArgs,
  parseCommands,
  UsageError,
  type ParsedArgs,
  type ParsedCommand,
  type GlobalOptions,
} from './nbctl/args.js';
export { COMMANDS, type CommandSyntax } from './nbctl/syntax.js';
export * from './dbctl/datum.js';
export {
  renderTable,
  prettyJson,
  type OutTable,
  type TableStyle,
  type TableFormat,
  type CellFormat,
} from './dbctl/table.js';
