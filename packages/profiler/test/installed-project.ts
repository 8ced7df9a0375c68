import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/node_modules', import.meta.url));
const coreBlocks = fileURLToPath(new URL('../node_modules/@zoo/core-blocks', import.meta.url));

/**
 * A project outside the workspace that installed a third-party family package
 * (`@example/tiny-family`, from test/fixtures) and `@zoo/core-blocks`, as a user's would be.
 * Outside the workspace, the CLI sees exactly what is installed there, whatever else the
 * workspace holds or is still building.
 */
export function installedProject(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'zoo-project-'));
  mkdirSync(join(dir, 'node_modules', '@zoo'), { recursive: true });
  cpSync(join(fixtures, '@example'), join(dir, 'node_modules', '@example'), { recursive: true });
  symlinkSync(realpathSync(coreBlocks), join(dir, 'node_modules', '@zoo', 'core-blocks'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const run = promisify(execFile);

/** Runs the built `zoo` CLI in `cwd`; never throws, returns the exit code and both streams. */
export async function zoo(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return zooWithEnv(cwd, {}, ...args);
}

/** `zoo` with extra environment variables (`ZOO_HUB_ENDPOINT`, `ZOO_CACHE`). */
export async function zooWithEnv(
  cwd: string,
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
