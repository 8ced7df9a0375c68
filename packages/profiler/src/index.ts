export { type CompareRow, compareEntry } from './compare.js';
export { type LayerProfile, type ModelProfile, profileModel } from './profile.js';
export { type MacRule, registerMacRule } from './rules.js';
