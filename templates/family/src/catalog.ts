// Every model of `@zoo/__family__`, in the order of src/families.ts (generated into
// models.generated.ts). The front door imports this module lazily (register.ts), and the CLI and
// the docs site through package.json's `zoo.catalog`.
export { catalog } from './models.generated.js';
