// Types of causes.mjs (plain JS so that the runner needs only node; the test imports these).

export function short(s: string, n?: number): string;
export function excerptStart(lines: readonly string[], where: string): number;
export function commandOf(lines: readonly string[], ex: readonly string[], where: string): string | undefined;
/** [class, detail] */
export function classify(lines: readonly string[], ex: readonly string[], where: string): [string, string];
export function canon(cls: string, tables: ReadonlyMap<string, string>): string;
export function diagnose(
  n: number,
  verdict: string,
  logText: string,
  tables?: ReadonlyMap<string, string>,
): { cls: string; detail: string; excerpt: string[] };
