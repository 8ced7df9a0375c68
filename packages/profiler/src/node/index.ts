export { discoverFamilies, type FamilyPackage, modelIndex } from './discover.js';
export { groupLayers } from './group.js';
