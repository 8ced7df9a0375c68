export { discoverFamilies, type FamilyPackage, modelIndex } from './discover.js';
<<<<<<< HEAD
export { groupLayers } from './group.js';
=======
export { fileLoadHandler, fileSaveHandler, ZooModelFileError } from './io.js';
>>>>>>> issue-3-checkpoints
