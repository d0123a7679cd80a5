// @ovnts/expr: the OVN logical match and action language — lexer, parsers, symbol table, normalization
// and OpenFlow emission.
export { ExprError, type ExprErrorKind, type Result } from './errors.js';
export { tokenize, type Token, type TokenType } from './lexer.js';
export * from './expr.js';
export {
  SYMBOLS,
  type Sym,
  type SymbolTable,
  type FieldSymbol,
  type StringSymbol,
  type SubfieldSymbol,
  type PredicateSymbol,
} from './symbols.js';
export { OFTABLE, REG, MLF, LOG_PIPELINE_LEN, DATAPATH_FIELD, pipelineTable, type Pipeline } from './tables.js';
export { MatchParser, type ParseEnv, type FieldRef, type IntValue, type ConstSet } from './match-parser.js';
export { ActionParser, type ActionEnv, type ParsedActions } from './action-parser.js';
export type { OvnAction, NestedKind, ResultFn } from './actions.js';
export { Annotator } from './annotate.js';
export { simplify, evaluateConditions } from './simplify.js';
export { normalize } from './normalize.js';
export { parseMatch, parseActions } from './parse.js';
export { Compiler, type LogicalFlow, type DatapathContext, type CompiledFlow } from './compile.js';
export { encodeActions, type EncodeContext } from './encode.js';
export {
  sharedAction,
  sharedEntry,
  sizeSharedParts,
  sharedPartsSize,
  SHARED_PARTS_MIN_GENERATION,
  SHARED_PARTS_MAX_GENERATION,
} from './shared-parts.js';
export { toMatches, toEntries, type ExprMatch, type Conjunction, type PortLookup } from './matches.js';
export { OPCODE, encodeActionsOf15, controllerUserdata } from './userdata.js';
export { dnsslOption, routeInfoOptions } from './pinctrl-args.js';
