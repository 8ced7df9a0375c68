import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The root of this workspace. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What turbo's `build` task writes inside a package (its `outputs`), copied only when asked. */
const BUILD_OUTPUTS = ['dist', join('src', 'generated')];

/**
 * The files a contributor's clone has: what git tracks, plus new files git does not ignore (a
 * change not yet committed). Ignored files never come: installed modules, caches, and the
 * gigabytes of parity fixtures a concurrent test run may be writing (copying those filled CI's
 * /tmp once).
 */
export function cloneFiles(root = ROOT): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `copyWorkspace needs the workspace to be a git clone: \`git ls-files\` failed in ${root}: ${r.error?.message ?? r.stderr}`,
    );
  }
  // A file deleted but not yet committed is still listed by --cached.
  return r.stdout.split('\0').filter((f) => f && existsSync(join(root, f)));
}

/**
 * Copies the workspace as a contributor's clone would have it: no installed modules, no caches,
 * no ignored files, and without build outputs unless asked (the release test publishes what turbo
 * has built).
 */
export function copyWorkspace(dest: string, { withBuilds = false } = {}): void {
  for (const file of cloneFiles()) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dest, file));
  }
  if (!withBuilds) return;
  for (const pkg of workspacePackages()) {
    for (const out of BUILD_OUTPUTS) {
      const src = join(pkg.dir, out);
      if (existsSync(src)) cpSync(src, join(dest, relative(ROOT, src)), { recursive: true });
    }
  }
}

/**
 * The environment of a child tool: this process's, less what turbo, pnpm and jest set for the
 * task running us, which would leak into a nested run (a nested turbo would see our task hash).
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(TURBO_|npm_|JEST_|NODE_ENV$|NODE_OPTIONS$|INIT_CWD$|PNPM_SCRIPT_SRC_DIR$)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, TURBO_TELEMETRY_DISABLED: '1', ...extra };
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; `check` throws with its output when it fails. */
export function run(cmd: string, args: string[], options: SpawnSyncOptions & { check?: boolean } = {}): RunResult {
  const { check = true, ...rest } = options;
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: childEnv(), maxBuffer: 64 * 1024 * 1024, ...rest });
  const result = { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  if (check && (r.error || r.status !== 0)) {
    throw new Error(
      `\`${cmd} ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status}`}) in ${String(rest.cwd ?? process.cwd())}\n` +
        `--- stdout\n${result.stdout.slice(-6000)}\n--- stderr\n${result.stderr.slice(-6000)}`,
    );
  }
  return result;
}

export interface WorkspacePackage {
  dir: string;
  name: string;
  version: string;
  private: boolean;
  manifest: Record<string, unknown>;
}

/** The packages under `packages/` of a workspace root. */
export function workspacePackages(root = ROOT): WorkspacePackage[] {
  const parent = join(root, 'packages');
  return readdirSync(parent)
    .map((d) => join(parent, d))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { dir, name: manifest.name, version: manifest.version, private: manifest.private === true, manifest };
    });
}

/** The packages a release publishes. */
export const publishable = (root = ROOT) => workspacePackages(root).filter((p) => !p.private);
