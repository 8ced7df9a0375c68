#!/usr/bin/env node
// Writes packages/<pkg>/src/models.generated.ts for each family package with a src/families.ts:
// one exported constant per variant, `RESNET.entry('resnet50', WEIGHTS.resnet50)`, and the
// package's `catalog`, in the order families.ts lists the families and their spec rows list the
// variants. A variant's name is written once, as the key of its spec row; this script reads the
// rows with the TypeScript parser (it evaluates nothing) and formats with the repository's biome.
//   node scripts/generate-models.mjs                    regenerate every family package's file
//   node scripts/generate-models.mjs --check            fail if a committed file differs (CI)
//   node scripts/generate-models.mjs --package mobile   one package, by name under packages/ or by path (repeatable)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const biome = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'biome.cmd' : 'biome');
const OUTPUT = join('src', 'models.generated.ts');

class GenerateError extends Error {}

function parseArgs(argv) {
  const check = argv.includes('--check');
  const packages = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') continue;
    if (argv[i] === '--package') {
      const value = argv[++i];
      if (!value) throw new GenerateError('--package needs a package: its directory name under packages/ or a path.');
      packages.push(value);
    } else throw new GenerateError(`unexpected argument \`${argv[i]}\`. Usage: generate-models.mjs [--check] [--package <dir>]...`);
  }
  return { check, packages };
}

/** A package directory from `--package`: a path to a directory, else a name under packages/. */
function packageDir(arg) {
  const asPath = resolve(arg);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  const named = join(root, 'packages', arg);
  if (existsSync(named)) return named;
  throw new GenerateError(`no package \`${arg}\`: neither a directory nor packages/${arg}.`);
}

const inRoot = (path) => !relative(root, path).startsWith('..');
const shown = (path) => (inRoot(path) ? relative(root, path) : path);

function parse(path) {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** `x as const`, `x satisfies T`, `<T>x`, `(x)` and `x!` are all `x` to a reader of the rows. */
function unwrap(node) {
  while (
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node) ||
    ts.isParenthesizedExpression(node) ||
    ts.isNonNullExpression(node)
  ) {
    node = node.expression;
  }
  return node;
}

/** The `const` declarations at the top of a module, by name. */
function topLevelConsts(source) {
  const out = new Map();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (!(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.initializer) out.set(d.name.text, d);
    }
  }
  return out;
}

/** The families of a package, in the order its src/families.ts re-exports them. */
function familyExports(dir) {
  const file = join(dir, 'src', 'families.ts');
  const source = parse(file);
  const out = [];
  for (const statement of source.statements) {
    const ok =
      ts.isExportDeclaration(statement) &&
      !statement.isTypeOnly &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause);
    if (!ok) {
      throw new GenerateError(
        `${shown(file)}: expected only lines of the form \`export { RESNET } from './resnet.js';\`, found \`${statement.getText(source)}\`.`,
      );
    }
    const specifier = statement.moduleSpecifier.text;
    if (!/^\.\/[^/]+\.js$/.test(specifier)) {
      throw new GenerateError(`${shown(file)}: \`${specifier}\` is not a module of src/ (expected './<module>.js').`);
    }
    const module = join(dir, 'src', specifier.slice(2).replace(/\.js$/, '.ts'));
    if (!existsSync(module)) throw new GenerateError(`${shown(file)}: ${shown(module)} does not exist.`);
    for (const element of statement.exportClause.elements) {
      out.push({ exported: element.name.text, local: (element.propertyName ?? element.name).text, module, specifier });
    }
  }
  if (out.length === 0) throw new GenerateError(`${shown(file)} exports no family.`);
  return out;
}

const SHAPE =
  'Expected `export const FAMILY = /* @__PURE__ */ defineFamily(FAMILY_SPECS, build)` where FAMILY_SPECS is an object literal ' +
  'in the same module (directly, or a top-level `const FAMILY_SPECS = { variant_name: {...}, ... } as const`), ' +
  'each key a plain identifier or string naming one variant';

/** The variant names of one family: the keys of the spec rows its `defineFamily` call is given. */
function familyVariants(family) {
  const source = parse(family.module);
  const consts = topLevelConsts(source);
  const where = `${shown(family.module)}: ${family.local}`;
  const declaration = consts.get(family.local);
  if (!declaration) throw new GenerateError(`${where} is not a top-level const of that module. ${SHAPE}.`);
  const call = unwrap(declaration.initializer);
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'defineFamily') {
    throw new GenerateError(`${where} is not a defineFamily(...) call. ${SHAPE}.`);
  }
  if (call.arguments.length < 1) throw new GenerateError(`${where}: defineFamily is given no specs. ${SHAPE}.`);
  let specs = unwrap(call.arguments[0]);
  let specsName = null;
  const seen = new Set();
  while (ts.isIdentifier(specs)) {
    if (seen.has(specs.text)) throw new GenerateError(`${where}: \`${specs.text}\` refers to itself. ${SHAPE}.`);
    seen.add(specs.text);
    const target = consts.get(specs.text);
    if (!target) {
      throw new GenerateError(
        `${where}: its specs \`${specs.text}\` are not a top-level const of the module (an import or a computed value cannot be read without running it). ${SHAPE}.`,
      );
    }
    specsName = specs.text;
    specs = unwrap(target.initializer);
  }
  if (!ts.isObjectLiteralExpression(specs)) {
    throw new GenerateError(
      `${where}: its specs are \`${specs.getText(source).slice(0, 60)}\`, not an object literal (${ts.SyntaxKind[specs.kind]}). ${SHAPE}.`,
    );
  }
  const variants = [];
  for (const property of specs.properties) {
    const name = property.name;
    const plain =
      (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) &&
      name &&
      (ts.isIdentifier(name) || ts.isStringLiteral(name));
    if (!plain) {
      throw new GenerateError(
        `${where}: the spec row \`${property.getText(source).slice(0, 60)}\` has no static name (a spread, a computed key or a method). ${SHAPE}.`,
      );
    }
    const variant = name.text;
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(variant)) {
      throw new GenerateError(`${where}: \`${variant}\` cannot be an exported constant's name: a variant's name must be an identifier.`);
    }
    const jsDoc = ts.getJSDocCommentsAndTags(property).find(ts.isJSDoc);
    const comment = jsDoc && typeof jsDoc.comment === 'string' ? jsDoc.comment.replace(/\s+/g, ' ').trim() : null;
    variants.push({ name: variant, comment });
  }
  if (variants.length === 0) throw new GenerateError(`${where}: its specs have no row. ${SHAPE}.`);
  return { ...family, specsName, variants, title: familyTitle(call.arguments[1]) };
}

/** The family's name as its builder gives `defineModel` (`family: 'ResNet'`), when it is one string. */
function familyTitle(builder) {
  const titles = new Set();
  const visit = (node) => {
    if (
      ts.isPropertyAssignment(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === 'family' &&
      ts.isStringLiteralLike(node.initializer)
    ) {
      titles.add(node.initializer.text);
    }
    ts.forEachChild(node, visit);
  };
  if (builder) visit(builder);
  return titles.size === 1 ? [...titles][0] : null;
}

function render(dir, families) {
  const weights = existsSync(join(dir, 'src', 'weights.generated.ts'));
  const out = [
    '// Generated by scripts/generate-models.mjs (pnpm models:generate) from the spec rows of the families',
    '// that src/families.ts lists: one constant per variant, and the catalog in that order.',
    '// Do not edit by hand: add a variant as a spec row of its family and regenerate; `pnpm models:check`',
    '// fails when this file is stale.',
    '',
    "import type { ModelEntry } from '@zoo/core-blocks/family';",
    `import { ${families.map((f) => f.exported).join(', ')} } from './families.js';`,
    ...(weights ? ["import * as WEIGHTS from './weights.generated.js';"] : []),
    '',
    // One constant per variant, each pure: a bundle holds the variants an app imports and no others.
  ];
  const names = [];
  for (const family of families) {
    const rows = family.specsName ? `\`${family.specsName}\`` : `its \`defineFamily\` call`;
    for (const v of family.variants) {
      names.push(v.name);
      const what = family.title ? `${family.title} \`${v.name}\`` : `\`${v.name}\``;
      const doc = v.comment ?? `${what}: its spec row in ${rows} (${family.specifier.slice(2, -3)}.ts), built by \`${family.exported}\`.`;
      out.push(`/** ${doc.replace(/\*\//g, '*\\/')} */`);
      const args = weights ? `'${v.name}', WEIGHTS.${v.name}` : `'${v.name}'`;
      out.push(`export const ${v.name} = /* @__PURE__ */ ${family.exported}.entry(${args});`, '');
    }
  }
  out.push("/** Every model of the package, in the order of src/families.ts and of each family's spec rows. */");
  out.push(`export const catalog: readonly ModelEntry[] = [${names.join(', ')}];`, '');
  return { text: out.join('\n'), names };
}

/** Formatted and its imports sorted, as `biome check --write` leaves a file. */
function format(text, path) {
  // biome reads the repository's configuration for paths under the root; a package elsewhere (a
  // test's temporary one) is formatted as a file of packages/ would be.
  const as = inRoot(path) ? path : join(root, 'packages', 'models.generated.ts');
  const r = spawnSync(biome, ['check', '--write', `--stdin-file-path=${as}`], { cwd: root, input: text, encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) throw new GenerateError(`biome could not format ${shown(path)}: ${r.stderr}`);
  return r.stdout;
}

function generate(dir) {
  const families = familyExports(dir).map(familyVariants);
  const { text, names } = render(dir, families);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new GenerateError(`${shown(dir)}: two spec rows name \`${duplicate}\`; a variant's name is unique in its package.`);
  const path = join(dir, OUTPUT);
  return { path, text: format(text, path), count: names.length, families: families.length };
}

function main() {
  const { check, packages } = parseArgs(process.argv.slice(2));
  if (!existsSync(biome)) throw new GenerateError('no node_modules/.bin/biome: run pnpm install first.');
  const all = readdirSync(join(root, 'packages'))
    .map((d) => join(root, 'packages', d))
    .filter((d) => existsSync(join(d, 'src', 'families.ts')));
  const dirs = packages.length ? packages.map(packageDir) : all;
  let stale = 0;
  for (const dir of dirs) {
    if (!existsSync(join(dir, 'src', 'families.ts'))) throw new GenerateError(`${shown(dir)} has no src/families.ts.`);
    const { path, text, count, families } = generate(dir);
    const what = `${count} variants of ${families} families`;
    if (check) {
      const committed = existsSync(path) ? readFileSync(path, 'utf8') : null;
      if (committed !== text) {
        stale++;
        console.error(`models: ${shown(path)} is ${committed === null ? 'missing' : 'stale'}. Run \`pnpm models:generate\`.`);
      } else console.log(`models: ${shown(path)} is up to date (${what}).`);
    } else {
      writeFileSync(path, text);
      console.log(`models: wrote ${shown(path)} (${what}).`);
    }
  }
  // A generated file whose package lists no families any more is stale too.
  if (!packages.length) {
    for (const d of readdirSync(join(root, 'packages'))) {
      const file = join(root, 'packages', d, OUTPUT);
      if (existsSync(file) && !existsSync(join(root, 'packages', d, 'src', 'families.ts'))) {
        stale++;
        console.error(`models: ${shown(file)} has no src/families.ts beside it: delete it or add the families.`);
      }
    }
  }
  if (stale) process.exit(1);
}

try {
  main();
} catch (err) {
  if (!(err instanceof GenerateError)) throw err;
  console.error(`models: error: ${err.message}`);
  process.exit(1);
}
