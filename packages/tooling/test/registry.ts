import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A verdaccio registry on 127.0.0.1 with its own storage, and a throwaway user's token. */
export interface LocalRegistry {
  url: string;
  /** The `//host:port/` key npm and pnpm use for the registry's credentials. */
  authKey: string;
  token: string;
  /** The registry's log, for failure messages. */
  log(): string;
  /** Stops the registry and everything it started; safe to call twice. */
  stop(): Promise<void>;
}

const VERDACCIO = join(import.meta.dirname, '..', 'node_modules', 'verdaccio', 'bin', 'verdaccio');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// `@zoo/*` is never proxied: our packages come from this registry or not at all. Everything else
// falls through to npm, so a consumer may also take TF.js from here.
const config = `
storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 10
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
packages:
  '@zoo/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;

/** Starts verdaccio in `dir` (config, storage, users and log all live there). */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(join(dir, 'config.yaml'), config);
  const logFile = join(dir, 'verdaccio.log');
  const fd = openSync(logFile, 'w');
  // Its own process group, so that stopping it stops whatever it spawned.
  const child: ChildProcess = spawn(process.execPath, [VERDACCIO, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  // Should this process end before `stop` (a crash, a killed test run), the registry ends with it.
  const killOnExit = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => {
    running = false;
    process.off('exit', killOnExit);
  });
  const log = () => readFileSync(logFile, 'utf8');
  const stop = async () => {
    if (!running || child.pid === undefined) return;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      signal('SIGKILL');
      await exited;
    }
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (!running) throw new Error(`verdaccio exited at start:\n${log()}`);
      const ok = await fetch(`${url}-/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const user = 'zoo-release-test';
    const res = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: `throwaway-${port}`, type: 'user', roles: [], date: new Date().toISOString() }),
    });
    const body = (await res.json()) as { token?: string };
    if (!res.ok || !body.token) throw new Error(`verdaccio refused the test user (${res.status}): ${JSON.stringify(body)}`);
    return { url, authKey: `//127.0.0.1:${port}/`, token: body.token, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
