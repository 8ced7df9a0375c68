import { execFile } from 'node:child_process';
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

export async function runPython(script: string, args: string[]): Promise<void> {
  try {
    await run(PYTHON, [script, ...args], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${PYTHON} ${script} ${args.join(' ')} failed:\n${e.stderr || e.message}`);
  }
}
