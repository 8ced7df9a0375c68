// The data scripts/generate.mjs computed from the packages.
import site from '../../.gen/data/site.json';

export interface Stage {
  name: string;
  outputShape: number[];
  stride: number | null;
  params: number;
  macs: { convLinear: number; total: number };
}

export interface SiteModel {
  name: string;
  family: string;
  package: string;
  inputSize: number;
  params: number;
  paramsAll: number;
  weightBytes: number;
  macs: { convLinear: number; total: number };
  stages: Stage[];
  reference: { params: number; macs: { convLinear: number; total: number }; implementation: string; kind: string } | null;
  top1: { top1: number; tag: string | null; source: string } | null;
  latencyMs: number | null;
  latencyRuns: number | null;
  /** The same model through `@zoo/fused`'s compiled plan, measured in the same run. */
  fusedLatencyMs: number | null;
}

/** How the latency column was measured (measured/latency.json), or null when it never was. */
export interface LatencyRun {
  measuredAt: string;
  machine: { cpuModel: string; cpus: number; node: string; platform: string };
  tfjs: string;
  threads: number;
}

export const models = site.models as SiteModel[];
export const pareto = site.pareto as string[];
export const latency = (site as { latency?: LatencyRun | null }).latency ?? null;
export const fmtM = (n: number) => `${(n / 1e6).toFixed(2)} M`;
export const fmtG = (n: number) => `${(n / 1e9).toFixed(3)} G`;
/** The notes' "light models" view: under one GMAC (convolutions + linear). */
export const LIGHT_MACS = 1e9;
