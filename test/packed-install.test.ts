// The packages as a user gets them: `npm pack` each package @ovnts/nb needs, install the tarballs into a
// fresh project (dependencies from the npm cache, else the npm registry), compile examples/gateway-topology.ts
// there with tsc (types found through each package's `exports`), and run it with node against a real NB
// ovsdb-server. What is packed is built first (tsc -b).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly files?: readonly string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly exports?: Readonly<Record<string, { readonly types?: string; readonly default?: string }>>;
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** Workspace package name → its directory. */
function workspaces(): Map<string, string> {
  const dirs = (manifest(root) as unknown as { workspaces: string[] }).workspaces;
  return new Map(dirs.map((d) => [manifest(path.join(root, d)).name, path.join(root, d)]));
}

/** `name` and every workspace package it depends on, dependencies first. */
function withDependencies(name: string, all: Map<string, string>, out: string[] = []): string[] {
  const dir = all.get(name);
  if (!dir || out.includes(name)) return out;
  for (const dep of Object.keys(manifest(dir).dependencies ?? {})) withDependencies(dep, all, out);
  out.push(name);
  return out;
}

const PUBLISHED = ['ovsdb-client-ts', '@ovnts/schema', '@ovnts/nb', '@ovnts/northd', '@ovnts/cli'];

describe('packed packages installed into a fresh project', () => {
  const sandbox = useSandbox();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ovnts-packed-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const all = workspaces();

  it('every package has public metadata: license, files, exports with types', () => {
    for (const name of PUBLISHED) {
      for (const dep of withDependencies(name, all)) {
        const m = manifest(all.get(dep)!);
        expect(m.private, `${dep} is private`).toBeUndefined();
        expect(m.license, `${dep} license`).toBe('Apache-2.0');
        expect(m.files, `${dep} files`).toContain('dist');
        for (const [sub, target] of Object.entries(m.exports ?? {}))
          expect(target.types, `${dep} exports["${sub}"].types`).toMatch(/\.d\.ts$/);
      }
    }
  });

  it('npm pack, npm install the tarballs, compile and run the TypeScript example against ovsdb-server', async () => {
    const names = withDependencies('@ovnts/nb', all);
    // The build output must be current for what is packed (incremental: quick when it is).
    await exec('npx', ['tsc', '-b', ...names.map((n) => all.get(n)!)], { cwd: root });

    const tarballs = path.join(tmp, 'tarballs');
    mkdirSync(tarballs);
    const tgz: string[] = [];
    for (const name of names) {
      const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: all.get(name)! });
      const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      // What a user needs and nothing of the build's own state.
      expect(info!.files.map((f) => f.path)).toContain('dist/index.d.ts');
      expect(info!.files.some((f) => f.path.endsWith('.tsbuildinfo') || f.path.endsWith('.test.ts'))).toBe(false);
      tgz.push(path.join(tarballs, info!.filename));
    }

    const project = path.join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tgz], { cwd: project });

    copyFileSync(path.join(root, 'examples/gateway-topology.ts'), path.join(project, 'gateway-topology.ts'));
    // Types from every installed package, through their exports.
    writeFileSync(
      path.join(project, 'types.ts'),
      [
        "import { AbortedError, type CallOptions } from 'ovsdb-client-ts';",
        "import type { ACL } from '@ovnts/schema/nb';",
        "import { NbSchemaError } from '@ovnts/nb';",
        "export const priority: ACL['priority'] = 100;",
        'export const call: CallOptions = { timeoutMs: 1000 };',
        'export const errors = [AbortedError, NbSchemaError];',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          outDir: 'out',
          typeRoots: [path.join(root, 'node_modules/@types')],
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    );
    await exec(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', project]);

    const sb = sandbox();
    const nb = await sb.startDb('nb');
    await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'init']);
    const { stdout } = await exec(process.execPath, ['out/gateway-topology.js', nb.remotes.unix, 'hv1'], {
      cwd: project,
    });
    expect(stdout).toContain('switches: join ls1 outside; routers: gw1 router1');
    expect(await sb.runOk('ovn-nbctl', [`--db=${nb.remotes.unix}`, 'lr-nat-list', 'gw1'])).toContain('172.18.1.2');
  });
});
