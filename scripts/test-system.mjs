#!/usr/bin/env node
// What the tests need from the system, installed when missing, so that the README's test command
// works on a fresh Debian machine with only Node, npm and root: Debian's PyTorch and torchvision
// (the parity references; pip cannot fetch PyTorch here), OpenBLAS for them (the reference BLAS
// takes 15 s per ViT forward pass), pip (timm and safetensors come from the machine's wheel
// mirror into .cache/python), Chromium (the site's and the browser tests) with a CJK font (the survey
// notes' page quotes their Chinese tables; without one the site test's screenshots show boxes), Fashion-MNIST (the
// fine-tuning test's data set, idx files under /usr/share/datasets/fashion-mnist). Run by `pnpm test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = process.env.ZOO_PYTHON ?? '/usr/bin/python3';
const ok = (cmd, args) => existsSync(cmd) && spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
// dpkg's own status format field, not a template.
const STATUS = ['-W', `-f=${'$'}{Status}`];
const installed = (pkg) =>
  existsSync('/usr/bin/dpkg-query') &&
  /install ok installed/.test(spawnSync('/usr/bin/dpkg-query', [...STATUS, pkg], { encoding: 'utf8' }).stdout ?? '');

const need = [];
if (!ok(PYTHON, ['-c', 'import torch, torchvision'])) need.push('python3-torch', 'python3-torchvision');
if (existsSync('/usr/bin/dpkg-query') && !installed('libopenblas0-openmp')) need.push('libopenblas0-openmp');
if (!ok(PYTHON, ['-m', 'pip', '--version'])) need.push('python3-pip');
if (!existsSync('/usr/bin/chromium')) need.push('chromium');
if (existsSync('/usr/bin/dpkg-query') && !installed('fonts-wqy-zenhei')) need.push('fonts-wqy-zenhei');
if (!existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')) need.push('dataset-fashion-mnist');

if (need.length === 0) process.exit(0);
if (!existsSync('/usr/bin/apt-get')) {
  console.error(
    `test-system: the tests need ${need.join(', ')} (Debian package names) and this machine has no apt-get; install them, or set ZOO_PYTHON.`,
  );
  process.exit(1);
}
const root = process.getuid?.() === 0;
const sudo = root ? [] : ['sudo', '-n'];
if (!root && !existsSync('/usr/bin/sudo')) {
  console.error(`test-system: the tests need ${need.join(', ')}; run as root or install them: apt-get install -y ${need.join(' ')}`);
  process.exit(1);
}
console.log(`test-system: installing ${need.join(', ')} with apt-get (once; later runs find them).`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...need],
]) {
  const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
  const r = spawnSync(cmd, rest, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`test-system: \`${[cmd, ...rest].join(' ')}\` failed (exit ${r.status}).`);
    process.exit(1);
  }
}
