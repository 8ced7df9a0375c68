export { discoverFamilies, type FamilyPackage } from './discover.js';
export { groupLayers } from './group.js';
export { fileLoadHandler, fileSaveHandler, ZooModelFileError } from './io.js';
