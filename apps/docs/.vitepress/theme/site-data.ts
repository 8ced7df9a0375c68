// The data scripts/generate.mjs computed from the packages.
import site from '../../.gen/data/site.json';

export interface Stage {
  name: string;
  outputShape: number[];
  stride: number | null;
  params: number;
  macs: { convLinear: number; total: number };
}

/**
 * One published accuracy beside the model's cost at the resolution it was measured at (the
 * generator profiled the model there): never read an accuracy against another resolution's cost.
 */
export interface Evaluation {
  /** `<model>@<weight set tag, or the published entry's index>`. */
  id: string;
  model: string;
  family: string;
  /** The weight set the accuracy is published for, where the source names one. */
  set: string | null;
  top1: number;
  top5: number | null;
  /** The crop side, in pixels, the accuracy was measured at. */
  resolution: number;
  /** Where the resolution comes from: the published entry, the weight set's input size, or the model's default. */
  resolutionSource: 'published' | 'weight set' | 'assumed default';
  /** Trainable parameters at that resolution (a ViT's position table grows with it). */
  params: number;
  macs: { convLinear: number; total: number };
  /** The measured latency, only where it was measured at this resolution (measured/latency.json). */
  latencyMs: number | null;
  source: string;
}

/** The cost axes the comparison charts offer, each with its own Pareto front. */
export type CostAxis = 'macs' | 'params' | 'latency';

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
  evaluations: Evaluation[];
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
/** For each cost axis, the ids of the evaluations on its Pareto front, by increasing cost. */
export const pareto = site.pareto as Record<CostAxis, string[]>;
export const evaluations = models.flatMap((m) => m.evaluations);
/** A model's best published accuracy, with its resolution and cost there; null without one. */
export const bestEvaluation = (m: SiteModel) => m.evaluations.reduce<Evaluation | null>((b, e) => (!b || e.top1 > b.top1 ? e : b), null);
export const latency = (site as { latency?: LatencyRun | null }).latency ?? null;
export const fmtM = (n: number) => `${(n / 1e6).toFixed(2)} M`;
export const fmtG = (n: number) => `${(n / 1e9).toFixed(3)} G`;
/** The notes' "light models" view: under one GMAC (convolutions + linear). */
export const LIGHT_MACS = 1e9;
