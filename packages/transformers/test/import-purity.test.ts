import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from '@jest/globals';

// The check lives in core-blocks (scripts/import-purity.mjs, tested there): it imports the built
// package in a fresh Node process with every network entry point replaced by a recorder.
const script = join(dirname(createRequire(import.meta.url).resolve('@zoo/core-blocks/package.json')), 'scripts', 'import-purity.mjs');

it('importing @zoo/transformers makes no network request and touches no global state beyond registering its layers', () => {
  const args = [script, fileURLToPath(new URL('..', import.meta.url)), '.', './catalog'];
  const report = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  expect(report.problems).toEqual([]);
});
