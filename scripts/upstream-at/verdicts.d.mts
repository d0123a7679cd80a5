// Types of verdicts.mjs (plain JS so that the runner needs only node; the test imports these).

/** A test's outcome in a testsuite.log. */
export interface Result {
  title: string;
  /** where the test is defined, "file.at:N" */
  at: string;
  /** "ok", "FAILED (file.at:N)", "skipped (file.at:N)", "expected failure (...)" or "UNEXPECTED PASS" */
  verdict: string;
}

export interface Baseline {
  /** number -> title of the tests that pass with the real binaries */
  passing: Map<number, string>;
  /** the other tests: number -> their verdict with the real binaries */
  others: Map<number, { verdict: string; title: string }>;
}

export interface BaselineInfo {
  suite: string;
  ovnTag: string;
  /** YYYY-MM-DD */
  date: string;
  /** how many tests the two runs had */
  selected: number;
  /** wall seconds of the two runs */
  walls: [number | undefined, number | undefined];
}

export interface VerdictTable {
  lines: string[];
  passed: number;
  failed: number;
  /** passed + failed: the selected tests that pass with the real binaries */
  counted: number;
}

export function parseResults(text: string): Map<number, Result>;
export function parseListing(text: string, atFiles: readonly string[]): number[];
export function parseBaseline(text: string): Baseline;
export function mergeBaseline(
  old: Baseline,
  selected: readonly number[],
  run1: ReadonlyMap<number, Result>,
  run2: ReadonlyMap<number, Result>,
): Baseline;
export function formatBaseline(b: Baseline, info: BaselineInfo): string;
export function verdictTable(
  selected: readonly number[],
  baseline: Baseline,
  results: ReadonlyMap<number, Result>,
  /** what the verdict column of the run is called ("cand") */
  label?: string,
): VerdictTable;
