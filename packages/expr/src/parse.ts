// Convenience entry points that never throw: text in, Result out.
import { ActionParser, type ActionEnv, type ParsedActions } from './action-parser.js';
import { Cursor } from './cursor.js';
import { type Result, capture } from './errors.js';
import type { Expr } from './expr.js';
import { MatchParser, type ParseEnv } from './match-parser.js';

export function parseMatch(text: string, env: ParseEnv = {}): Result<Expr> {
  return capture(text, () => new MatchParser(new Cursor(text), env).parseAll());
}

export function parseActions(text: string, env: ActionEnv): Result<ParsedActions> {
  return capture(text, () => new ActionParser(text, env).parseAll());
}
