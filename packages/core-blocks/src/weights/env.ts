import { ZooOptionError } from '../base/errors.js';
import type { WeightFile } from '../model/weight-set.js';

/** `process.env[name]` in Node; undefined in a browser, where there is no process. */
export function envVar(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = p?.env?.[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Where pretrained weights come from, for every load in this program (as transformers.js's
 * `env`): change a field before loading, or pass the same field as a load option.
 */
export const weightsEnv = {
  /** The Hugging Face hub, or a mirror laid out like it. Node: `ZOO_HUB_ENDPOINT`, else `HF_ENDPOINT`. */
  hubEndpoint: envVar('ZOO_HUB_ENDPOINT') ?? envVar('HF_ENDPOINT') ?? 'https://huggingface.co',
  /**
   * URL prefixes served from elsewhere: `{ 'https://download.pytorch.org/models/': 'https://mirror.example/tv/' }`
   * fetches torchvision's files from the mirror (their published hashes are still checked).
   */
  mirrors: {} as Record<string, string>,
  /** Milliseconds without a byte before a download is given up (default 60 s). */
  timeoutMs: 60_000,
};

/** `<endpoint>/<repo>/resolve/<revision>/<file>`, the hub's plain-GET address of a file. */
export function hubUrl(hub: NonNullable<WeightFile['hub']>, endpoint: string = weightsEnv.hubEndpoint, revision?: string): string {
  const base = endpoint.replace(/\/+$/, '');
  const rev = encodeURIComponent(revision ?? hub.revision);
  return `${base}/${hub.repo.split('/').map(encodeURIComponent).join('/')}/resolve/${rev}/${hub.file.split('/').map(encodeURIComponent).join('/')}`;
}

/** The URL a weight file is fetched from: the hub's address or its own, through `mirrors`. */
export function fileUrl(
  file: WeightFile,
  options: { hubEndpoint?: string; revision?: string; mirrors?: Record<string, string> } = {},
): string {
  let url: string;
  if (file.hub) url = hubUrl(file.hub, options.hubEndpoint ?? weightsEnv.hubEndpoint, options.revision);
  else if (file.url) url = file.url;
  else throw new ZooOptionError('file', file, 'a weight file with a `url` or a `hub` location');
  const mirrors = { ...weightsEnv.mirrors, ...options.mirrors };
  // The longest matching prefix wins, so that a specific mirror overrides a general one.
  const prefix = Object.keys(mirrors)
    .filter((p) => url.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? url : mirrors[prefix] + url.slice(prefix.length);
}
