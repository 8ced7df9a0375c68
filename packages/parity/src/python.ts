import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's interpreter: the `python3` first on PATH is another build that does not see python3-torch. */
export const PYTHON = process.env.ZOO_PYTHON ?? '/usr/bin/python3';

export const INSTALL_HINT =
  'Install PyTorch with `apt-get update && apt-get install -y python3-torch python3-torchvision libopenblas0-openmp` ' +
  '(.ci/run does this on CI), or point ZOO_PYTHON at an interpreter that has torch and torchvision.';

let checked: Promise<void> | undefined;

/** Fails with what to install when the reference cannot run, instead of a Python traceback per test. */
export function ensureTorch(): Promise<void> {
  checked ??= run(PYTHON, ['-c', 'import torch, torchvision']).then(
    () => undefined,
    (err: Error & { stderr?: string }) => {
      throw new Error(
        `Parity tests need ${PYTHON} with torch and torchvision, and it cannot import them: ${(err.stderr || err.message).trim().split('\n').pop()}\n${INSTALL_HINT}`,
      );
    },
  );
  return checked;
}

/** timm and safetensors as the tests pin them (the newest the machine's wheel mirror holds). */
export const TIMM_REQUIREMENTS = ['timm==1.0.29', 'safetensors==0.8.0'];

/**
 * Where pip installs them for the tests (`pip install --no-deps --target`, beside Debian's torch):
 * `.cache/python` at the workspace root (git-ignored), or `ZOO_PYTHONPATH`.
 */
export const PYTHON_PACKAGES =
  process.env.ZOO_PYTHONPATH ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.cache', 'python');

let timmChecked: Promise<void> | undefined;

/**
 * Makes `import timm, safetensors` work for `runPython(..., { timm: true })`: installs them with
 * Debian's pip into `PYTHON_PACKAGES` when they are missing (the wheels come from the machine's
 * pip configuration), and fails saying what to do when that is impossible.
 */
export function ensureTimm(): Promise<void> {
  timmChecked ??= (async () => {
    await ensureTorch();
    const env = pythonEnv(true);
    const probe = () => run(PYTHON, ['-c', 'import timm, safetensors; assert timm.__version__ == "1.0.29", timm.__version__'], { env });
    try {
      await probe();
      return;
    } catch {
      // Install below.
    }
    mkdirSync(PYTHON_PACKAGES, { recursive: true });
    try {
      await run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--upgrade', '--target', PYTHON_PACKAGES, ...TIMM_REQUIREMENTS], {
        env,
        maxBuffer: 16 * 1024 * 1024,
      });
      await probe();
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(
        `Tests against timm need ${TIMM_REQUIREMENTS.join(' and ')} for ${PYTHON}, and \`${PYTHON} -m pip install --no-deps --target ${PYTHON_PACKAGES} ${TIMM_REQUIREMENTS.join(' ')}\` failed: ` +
          `${(e.stderr || e.message).trim().split('\n').pop()}\nInstall python3-pip (apt) and check that pip reaches a package index or wheel mirror (\`pip config list\`).`,
      );
    }
  })();
  return timmChecked;
}

/** The environment a reference script runs in: with `timm`, `PYTHON_PACKAGES` on its path. */
export function pythonEnv(timm = false): NodeJS.ProcessEnv {
  if (!timm) return process.env;
  const path = [PYTHON_PACKAGES, process.env.PYTHONPATH].filter(Boolean).join(':');
  return { ...process.env, PYTHONPATH: path };
}

export async function runPython(script: string, args: string[], options: { timm?: boolean } = {}): Promise<void> {
  if (options.timm) await ensureTimm();
  try {
    await run(PYTHON, [script, ...args], { maxBuffer: 16 * 1024 * 1024, env: pythonEnv(options.timm) });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${PYTHON} ${script} ${args.join(' ')} failed:\n${e.stderr || e.message}`);
  }
}
