/**
 * `@zoo/core-blocks/vite`: a Vite plugin that serves tfjs-backend-wasm's `.wasm` files in dev
 * and preview and writes them into the build, in the folder `useWasm()` of
 * `@zoo/core-blocks/wasm` looks in by default; optionally with the headers that make the page
 * cross-origin isolated, which the threaded build needs. Typed structurally: Vite is not a
 * dependency of the zoo.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WASM_FILES, WASM_FOLDER } from './wasm-files.js';

export interface ZooWasmOptions {
  /** The folder under Vite's `base` the files go to (default `tfjs-wasm/`, where `useWasm()` looks). */
  folder?: string;
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`
   * from the dev and preview servers, so the threaded build can run (default false: it also
   * blocks cross-origin resources without CORP headers). A production host must send them itself.
   */
  crossOriginIsolation?: boolean;
}

type Next = (err?: unknown) => void;
interface Req {
  url?: string;
  method?: string;
}
interface Res {
  setHeader(name: string, value: string): void;
  statusCode: number;
  end(body?: Uint8Array | string): void;
}
interface Server {
  middlewares: { use(fn: (req: Req, res: Res, next: Next) => void): void };
}
interface EmitContext {
  emitFile(file: { type: 'asset'; fileName: string; source: Uint8Array }): string;
}

/** What Vite needs of a plugin; the object is a Vite `Plugin`. */
export interface ZooWasmPlugin {
  name: string;
  configResolved(config: { root: string; base: string }): void;
  configureServer(server: Server): void;
  configurePreviewServer(server: Server): void;
  generateBundle(this: EmitContext): void;
}

/** The folder holding the backend's `.wasm` files, as the app (its `root`) resolves the package. */
export function wasmDistFolder(root: string = process.cwd()): string {
  const spec = '@tensorflow/tfjs-backend-wasm/package.json';
  for (const from of [join(root, 'package.json'), import.meta.url]) {
    try {
      return join(dirname(createRequire(from).resolve(spec)), 'dist');
    } catch {
      // Not resolvable from there: try the next.
    }
  }
  throw new Error('@tensorflow/tfjs-backend-wasm is not installed: npm i @tensorflow/tfjs-backend-wasm');
}

export function zooWasm(options: ZooWasmOptions = {}): ZooWasmPlugin {
  const folder = options.folder ?? WASM_FOLDER;
  if (!/^[\w.-]+(\/[\w.-]+)*\/$/.test(folder)) {
    throw new Error(`zooWasm's \`folder\` must be a relative folder ending in "/" (such as "${WASM_FOLDER}"); got "${folder}".`);
  }
  let root = process.cwd();
  let base = '/';
  const files = () => {
    const dist = wasmDistFolder(root);
    return WASM_FILES.map((name) => ({ name, path: join(dist, name) }));
  };
  const middleware = (server: Server) => {
    const served = new Map(files().map((f) => [`${base}${folder}${f.name}`, f.path]));
    server.middlewares.use((req, res, next) => {
      if (options.crossOriginIsolation) {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      }
      const path = served.get((req.url ?? '').split('?')[0]);
      if (!path) return next();
      const bytes = readFileSync(path);
      res.setHeader('Content-Type', 'application/wasm');
      res.setHeader('Content-Length', String(bytes.length));
      res.statusCode = 200;
      res.end(req.method === 'HEAD' ? undefined : bytes);
    });
  };
  return {
    name: 'zoo-wasm',
    configResolved(config) {
      root = config.root;
      base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      if (!/^\//.test(base)) base = '/'; // a relative base: the files are served from the root in dev
    },
    configureServer: middleware,
    configurePreviewServer: middleware,
    generateBundle() {
      for (const f of files()) this.emitFile({ type: 'asset', fileName: `${folder}${f.name}`, source: readFileSync(f.path) });
    },
  };
}
