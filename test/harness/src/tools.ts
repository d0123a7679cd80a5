// Locating the real OVS/OVN binaries and running one-shot commands against them.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

export const SETUP_HINT =
  'run `npm run setup` (as root it installs them), or: apt-get install -y --no-install-recommends openvswitch-switch ovn-central ovn-host';

export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
}

const found = new Map<string, string>();

/** Absolute path of an installed OVS/OVN program; throws a MissingToolError that says how to install it. */
export function tool(name: string): string {
  const hit = found.get(name);
  if (hit) return hit;
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  for (const dir of dirs) {
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      found.set(name, p);
      return p;
    } catch {
      // keep looking
    }
  }
  throw new MissingToolError(`${name} is not installed: ${SETUP_HINT}`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a program to completion; never throws for a non-zero exit (callers inspect `code`). */
export function run(
  program: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  const file = program.includes('/') ? program : tool(program);
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      {
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 512 * 1024 * 1024,
        cwd: opts.cwd,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
          reject(err);
          return;
        }
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like run() but rejects with the command's stderr when it fails. */
export async function runOk(
  program: string,
  args: readonly string[],
  opts: Parameters<typeof run>[2] = {},
): Promise<string> {
  const r = await run(program, args, opts);
  if (r.code !== 0) {
    throw new Error(`${program} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}
