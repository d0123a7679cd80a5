// @ovnts/cli: ovnts-nbctl as a library (run it in-process with captured output).
export { runNbctl, type Io, OVN_VERSION, OVNTS_VERSION } from './nbctl/main.js';
export { parseArgs, parseCommands, UsageError, type ParsedArgs, type ParsedCommand, type GlobalOptions } from './nbctl/args.js';
export { COMMANDS, type CommandSyntax } from './nbctl/syntax.js';
export * from './dbctl/datum.js';
export { renderTable, prettyJson, type OutTable, type TableStyle, type TableFormat, type CellFormat } from './dbctl/table.js';
