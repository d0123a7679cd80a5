/**
 * The one-file bundle `dist/bundle/<name>.mjs` of the package whose launcher is `launcherUrl`, if it is at least as
 * new as every tsc build stamp it lists; else its plain dist entry `dist/bin/<name>.js` (a file: URL either way).
 */
export declare function daemonEntry(launcherUrl: string | URL, name: string): string;
