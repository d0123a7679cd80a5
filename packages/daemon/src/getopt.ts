// Command lines read the way getopt_long reads them for the OVS/OVN programs: `--name=value`,
// `--name value` (required arguments only), unambiguous prefixes of long names, bundled short options
// (`-vdbg`, `-p FILE`), `--` ends options; options and operands may be mixed. Bad options are
// reported with getopt's texts and skipped, as the real daemons do.

export type ArgKind = 'none' | 'required' | 'optional';

export interface OptionDef {
  readonly name: string;
  readonly arg: ArgKind;
  /** Single-letter alias. */
  readonly short?: string;
}

export interface ParsedOption {
  readonly name: string;
  readonly value: string | undefined;
}

export interface ParsedArgs {
  readonly options: readonly ParsedOption[];
  readonly operands: readonly string[];
  /** getopt's complaints ("unrecognized option '--x'"), in order. */
  readonly errors: readonly string[];
}

export function getoptLong(argv: readonly string[], defs: readonly OptionDef[]): ParsedArgs {
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  const errors: string[] = [];
  const byName = new Map(defs.map((d) => [d.name, d]));
  const byShort = new Map(defs.filter((d) => d.short).map((d) => [d.short!, d]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      let def = byName.get(name);
      if (!def) {
        const matches = defs.filter((d) => d.name.startsWith(name));
        if (matches.length === 1) def = matches[0];
        else if (matches.length > 1) {
          errors.push(`option '--${name}' is ambiguous`);
          continue;
        }
      }
      if (!def) {
        errors.push(`unrecognized option '--${name}'`);
        continue;
      }
      if (def.arg === 'none' && inline !== undefined) {
        errors.push(`option '--${def.name}' doesn't allow an argument`);
        continue;
      }
      let value = inline;
      if (def.arg === 'required' && value === undefined) {
        if (i + 1 >= argv.length) {
          errors.push(`option '--${def.name}' requires an argument`);
          continue;
        }
        value = argv[++i];
      }
      options.push({ name: def.name, value });
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const def = byShort.get(c);
        if (!def) {
          errors.push(`invalid option -- '${c}'`);
          continue;
        }
        if (def.arg === 'none') {
          options.push({ name: def.name, value: undefined });
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest) options.push({ name: def.name, value: rest });
        else if (def.arg === 'optional') options.push({ name: def.name, value: undefined });
        else if (i + 1 < argv.length) options.push({ name: def.name, value: argv[++i] });
        else errors.push(`option requires an argument -- '${c}'`);
        break;
      }
      continue;
    }
    operands.push(a);
  }
  return { options, operands, errors };
}
