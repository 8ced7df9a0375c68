export { discoverFamilies, type FamilyPackage, modelIndex } from './discover.js';
