// Vitest glue: a Sandbox per test file (or per test) that is torn down even when a test fails.
import { afterAll, afterEach } from 'vitest';
import { Sandbox } from './sandbox.js';

/**
 * Returns a function that creates sandboxes; all of them are stopped after the file (scope 'file')
 * or after each test (scope 'test').
 */
export function useSandbox(scope: 'file' | 'test' = 'file'): () => Sandbox {
  const made: Sandbox[] = [];
  // A file's sandboxes are torn down once; one asked for later (a timed-out test still running) is born
  // stopped, so whatever the test then starts in it is stopped at once (Sandbox.own).
  let closed = false;
  const teardown = async () => {
    closed = scope === 'file';
    const all = made.splice(0);
    await Promise.all(all.map((s) => s.stop()));
  };
  if (scope === 'test') afterEach(teardown);
  else afterAll(teardown);
  return () => {
    const s = new Sandbox();
    if (closed) void s.stop();
    else made.push(s);
    return s;
  };
}
