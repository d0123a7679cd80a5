// What a running command sees: the working copy, its arguments and options, its output, and the
// transaction-wide symbol table for --id=@name references.
import type { BaseType } from 'ovsdb-client-ts';
import type { NbStore } from '@ovnts/nb';
import type { OutTable } from '../dbctl/table.js';
import type { SymbolTable } from '../dbctl/datum.js';

/** A command failed; the message is printed as "PROGRAM: message" and nothing is committed. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export interface Symbol {
  uuid: string;
  created: boolean;
  strongRef: boolean;
  weakRef: boolean;
}

/** The --id=@name symbols of one transaction (ovsdb_symbol_table). */
export class Symbols implements SymbolTable {
  readonly map = new Map<string, Symbol>();

  get(name: string): Symbol {
    let sym = this.map.get(name);
    if (!sym) {
      sym = { uuid: globalThis.crypto.randomUUID(), created: false, strongRef: false, weakRef: false };
      this.map.set(name, sym);
    }
    return sym;
  }

  resolve(name: string, base: BaseType): string {
    const sym = this.get(name);
    if (base.refTable) {
      if (base.refType === 'weak') sym.weakRef = true;
      else sym.strongRef = true;
    }
    return sym.uuid;
  }

  /** Create a symbol for a new or looked-up row (create_symbol). */
  create(id: string): { sym: Symbol; isNew: boolean } {
    if (!id.startsWith('@')) throw new CommandError(`row id "${id}" does not begin with "@"`);
    const isNew = !this.map.has(id);
    const sym = this.get(id);
    if (sym.created) throw new CommandError(`row id "${id}" may only be specified on one --id option`);
    sym.created = true;
    return { sym, isNew };
  }
}

export interface Ctx {
  readonly store: NbStore;
  /** argv[0] is the command name. */
  readonly argv: readonly string[];
  readonly options: ReadonlyMap<string, string | null>;
  readonly symbols: Symbols;
  readonly lastCommand: boolean;
  /** Text output, printed after a successful commit. */
  output: string;
  /** Table output (database commands), printed with the --format style. */
  table?: OutTable;
  /** Set by wait-until when its condition does not hold yet. */
  tryAgain: boolean;
}

export const has = (ctx: Ctx, opt: string): boolean => ctx.options.has(opt);
export const opt = (ctx: Ctx, name: string): string | undefined => ctx.options.get(name) ?? undefined;

export type CommandImpl = (ctx: Ctx) => void;
