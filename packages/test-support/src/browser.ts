import { existsSync } from 'node:fs';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

/** The Chromium the browser tests drive: Debian's, or `ZOO_CHROMIUM`. */
export const CHROMIUM = process.env.ZOO_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium as every browser test of the zoo runs it (the toolchain notes' flags: no
 * sandbox as root, nothing fetched by the browser itself, a fresh temporary profile from
 * playwright), plus `args` of the test's own (a fake camera, WebGPU flags).
 */
export async function launchChromium(args: readonly string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set ZOO_CHROMIUM).`);
  return chromium.launch({
    ...options,
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}
