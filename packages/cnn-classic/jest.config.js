import preset from '../../jest.preset.js';

// One worker: several files hold big models at once (save-load of every classic CNN, the front-door
// checks of VGG and Wide ResNet: about 10 GB each), and two of them side by side, next to another
// package's tests, went past the machine's 24 GB (CI's OOM killer took the worker). The preset's
// workerIdleMemoryLimit gives each file a fresh worker once the last one grew large.
export default { ...preset, maxWorkers: 1 };
