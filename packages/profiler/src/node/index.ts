export { discoverFamilies, type FamilyPackage, modelIndex } from './discover.js';
export { fileLoadHandler, fileSaveHandler, ZooModelFileError } from './io.js';
