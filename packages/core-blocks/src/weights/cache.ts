import { sha256Hex } from '../base/sha256.js';
import { envVar } from './env.js';
import { nodeModules, readWhole } from './node-fs.js';

/** A cached file and its SHA-256 (lower-case hex), verified on the way out. */
export interface CachedWeights {
  bytes: Uint8Array;
  sha256: string;
}

/**
 * Where downloaded weights are kept between runs. `get` returns only a copy whose SHA-256 still
 * matches the one recorded when it was stored: a corrupted entry is dropped and fetched again,
 * never loaded. `put` takes the hash the loader computed, so a file is hashed once.
 */
export interface WeightCache {
  get(url: string): Promise<CachedWeights | undefined>;
  put(url: string, bytes: Uint8Array, sha256: string): Promise<void>;
  delete(url: string): Promise<void>;
}

const CACHE_NAME = 'zoo-weights-v1';
const HASH_HEADER = 'x-zoo-sha256';

/** The browser's Cache Storage (`caches`), under the cache name `zoo-weights-v1`. */
export function cacheStorageCache(storage: CacheStorage = globalThis.caches): WeightCache {
  const open = () => storage.open(CACHE_NAME);
  return {
    async get(url) {
      const cache = await open();
      const hit = await cache.match(url);
      if (!hit) return undefined;
      const bytes = new Uint8Array(await hit.arrayBuffer());
      const sha256 = await sha256Hex(bytes);
      if (hit.headers.get(HASH_HEADER) !== sha256) {
        await cache.delete(url);
        return undefined;
      }
      return { bytes, sha256 };
    },
    async put(url, bytes, sha256) {
      const cache = await open();
      const headers = { [HASH_HEADER]: sha256, 'content-type': 'application/octet-stream' };
      await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
    },
    async delete(url) {
      await (await open()).delete(url);
    },
  };
}

/** Node's default cache folder: `ZOO_CACHE`, else `$XDG_CACHE_HOME/zoo`, else `~/.cache/zoo`. */
export function defaultCacheDir(): string | undefined {
  const node = nodeModules();
  if (!node) return undefined;
  const explicit = envVar('ZOO_CACHE');
  if (explicit) return explicit;
  return node.path.join(envVar('XDG_CACHE_HOME') ?? node.path.join(node.os.homedir(), '.cache'), 'zoo');
}

/**
 * A folder cache for Node: `<dir>/weights/<hash of the URL>/{data,meta.json}`, each entry written
 * to a temporary name and renamed, so that a crash never leaves a half-written entry behind.
 */
export function folderCache(dir: string): WeightCache {
  const node = nodeModules();
  if (!node) throw new Error('folderCache needs Node (>= 20.16, for process.getBuiltinModule).');
  const { fs, path } = node;
  const entryDir = async (url: string) => path.join(dir, 'weights', (await sha256Hex(new TextEncoder().encode(url))).slice(0, 32));
  return {
    async get(url) {
      const at = await entryDir(url);
      let meta: { url: string; sha256: string; bytes: number };
      try {
        meta = JSON.parse(await fs.promises.readFile(path.join(at, 'meta.json'), 'utf8'));
      } catch {
        return undefined;
      }
      try {
        const bytes = await readWhole(fs, path.join(at, 'data'));
        if (meta.url === url && bytes.length === meta.bytes && (await sha256Hex(bytes)) === meta.sha256)
          return { bytes, sha256: meta.sha256 };
      } catch {
        // Unreadable: dropped below like a corrupted one.
      }
      await fs.promises.rm(at, { recursive: true, force: true });
      return undefined;
    },
    async put(url, bytes, sha256) {
      const at = await entryDir(url);
      const tmp = `${at}.${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`;
      await fs.promises.mkdir(tmp, { recursive: true });
      try {
        await fs.promises.writeFile(path.join(tmp, 'data'), bytes);
        const meta = { url, sha256, bytes: bytes.length, stored: new Date().toISOString() };
        await fs.promises.writeFile(path.join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
        await fs.promises.rm(at, { recursive: true, force: true });
        await fs.promises.rename(tmp, at);
      } catch (err) {
        await fs.promises.rm(tmp, { recursive: true, force: true });
        throw err;
      }
    },
    async delete(url) {
      await fs.promises.rm(await entryDir(url), { recursive: true, force: true });
    },
  };
}

/** The cache a load uses by default: Cache Storage in a browser, the folder cache in Node, else none. */
export function defaultCache(): WeightCache | undefined {
  if (typeof globalThis.caches?.open === 'function') return cacheStorageCache();
  const dir = defaultCacheDir();
  return dir === undefined ? undefined : folderCache(dir);
}
