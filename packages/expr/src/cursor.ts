// A token cursor shared by the match and action parsers, with OVN-style positioned error messages.
import { ExprError } from './errors.js';
import { type Token, type TokenType, tokenize } from './lexer.js';

export class Cursor {
  readonly tokens: Token[];
  i = 0;
  constructor(readonly src: string) {
    this.tokens = tokenize(src);
  }

  get tok(): Token {
    return this.tokens[this.i]!;
  }
  peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.tok;
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  is(type: TokenType): boolean {
    return this.tok.type === type;
  }
  isId(name?: string): boolean {
    return this.tok.type === 'id' && (name === undefined || this.tok.text === name);
  }
  match(type: TokenType): boolean {
    if (this.tok.type !== type) return false;
    this.next();
    return true;
  }
  matchId(name: string): boolean {
    if (!this.isId(name)) return false;
    this.next();
    return true;
  }
  force(type: TokenType): Token {
    if (this.tok.type !== type) this.syntax(`expecting \`${type}'`);
    return this.next();
  }
  forceId(name: string): void {
    if (!this.matchId(name)) this.syntax(`expecting \`${name}'`);
  }
  /** A non-negative decimal integer that fits in `max`. */
  forceInt(max = 0x7fffffff): number {
    const t = this.tok;
    if (t.type !== 'int' || t.mask !== undefined || t.format !== 'decimal' || t.value > BigInt(max))
      this.syntax('expecting small integer');
    this.next();
    return Number(t.value);
  }
  forceString(): string {
    if (this.tok.type !== 'string') this.syntax('expecting string');
    return this.next().text;
  }
  forceEnd(): void {
    if (!this.is('end')) this.syntax('expecting end of input');
  }

  /** The source text of the current token, for messages. */
  tokenText(t: Token = this.tok): string {
    if (t.type === 'end') return 'end of input';
    const nextPos = this.tokens[this.tokens.indexOf(t) + 1]?.pos ?? this.src.length;
    return this.src.slice(t.pos, nextPos).trim() || t.type;
  }

  syntax(expecting: string, t: Token = this.tok): never {
    throw new ExprError('syntax', `Syntax error at \`${this.tokenText(t)}' ${expecting}.`, t.pos, this.src);
  }
  error(kind: ExprError['kind'], message: string, pos: number = this.tok.pos): never {
    throw new ExprError(kind, message, pos, this.src);
  }
}
