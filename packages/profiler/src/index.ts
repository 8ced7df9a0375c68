export { type BenchOptions, type BenchResult, benchmark, quantile } from './bench.js';
export { type CompareRow, compareEntry } from './compare.js';
export { profileComparison } from './comparison.js';
export { type MemoryProfile, memoryProfile } from './memory.js';
export { type LayerProfile, type ModelProfile, profileModel } from './profile.js';
export { type MacRule, registerMacRule } from './rules.js';
