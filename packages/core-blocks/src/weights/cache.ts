import { envVar } from './env.js';
import { nodeModules, readWhole } from './node-fs.js';
import { sha256Hex } from './sha256.js';

/**
 * Where downloaded weights are kept between runs. `get` returns only a copy whose SHA-256 still
 * matches the one recorded when it was stored: a corrupted entry is dropped and fetched again,
 * never loaded.
 */
export interface WeightCache {
  get(url: string): Promise<Uint8Array | undefined>;
  put(url: string, bytes: Uint8Array): Promise<void>;
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
      if (hit.headers.get(HASH_HEADER) !== (await sha256Hex(bytes))) {
        await cache.delete(url);
        return undefined;
      }
      return bytes;
    },
    async put(url, bytes) {
      const cache = await open();
      const headers = { [HASH_HEADER]: await sha256Hex(bytes), 'content-type': 'application/octet-stream' };
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
        if (meta.url === url && bytes.length === meta.bytes && (await sha256Hex(bytes)) === meta.sha256) return bytes;
      } catch {
        // Unreadable: dropped below like a corrupted one.
      }
      await fs.promises.rm(at, { recursive: true, force: true });
      return undefined;
    },
    async put(url, bytes) {
      const at = await entryDir(url);
      const tmp = `${at}.${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`;
      await fs.promises.mkdir(tmp, { recursive: true });
      try {
        await fs.promises.writeFile(path.join(tmp, 'data'), bytes);
        const meta = { url, sha256: await sha256Hex(bytes), bytes: bytes.length, stored: new Date().toISOString() };
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
