// Splitting ovs-ofctl text at top-level separators (commas inside parentheses belong to the nested item).

export class FlowSyntaxError extends Error {
  override readonly name = 'FlowSyntaxError';
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(`${message} in "${text}"`);
  }
}

/** Splits at top-level occurrences of any char in `seps`, dropping empty pieces. */
export function splitTop(s: string, seps: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth < 0) throw new FlowSyntaxError('unbalanced parentheses', s);
    if (depth === 0 && seps.includes(ch)) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new FlowSyntaxError('unbalanced parentheses', s);
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** "name(args)" → ["name", "args"]; otherwise undefined. */
export function callForm(s: string): [string, string] | undefined {
  const m = /^([a-z_0-9]+)\((.*)\)$/s.exec(s);
  return m ? [m[1]!, m[2]!] : undefined;
}
