// Every model of `@zoo/cnn-classic`, in the order the survey notes list them: the order of
// src/families.ts (generated into models.generated.ts). The front door imports this module lazily
// (register.ts), and the CLI and the docs site through package.json's `zoo.catalog`.
export { catalog } from './models.generated.js';
