/**
 * The one-file bundle `dist/bundle/<name>.mjs` of the package whose launcher is `launcherUrl`, if it is at least as
 * new as every tsc build stamp it lists; else its plain dist entry `dist/bin/<name>.js` (a file: URL either way).
 */
export declare function daemonEntry(launcherUrl: string | URL, name: string): string;

/** The environment settings and node flags of a launcher's `#!/usr/bin/env [-S] [VAR=value …] node [flag …]` line. */
export interface LauncherShebang {
  /** Set by env before node starts (e.g. glibc's MALLOC_ARENA_MAX). */
  readonly env: Readonly<Record<string, string>>;
  /** node's own flags, in order. */
  readonly nodeFlags: readonly string[];
}

/**
 * What the first line of the launcher `file` asks of the command that runs it; throws when it is not
 * `#!/usr/bin/env [-S] [VAR=value …] node [flag …]`.
 */
export declare function launcherShebang(file: string | URL): LauncherShebang;

/** launcherShebang of one line, or undefined when it is not such a line. */
export declare function parseShebang(line: string): LauncherShebang | undefined;
