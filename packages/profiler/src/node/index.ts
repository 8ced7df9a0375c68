export { discoverFamilies, type FamilyPackage, modelIndex } from './discover.js';
export { groupLayers } from './group.js';
export { fileLoadHandler, fileSaveHandler, ZooModelFileError } from './io.js';
