// An esbuild plugin for a lazy module that takes shared code from the module loading it (modules.ts sharedFrom):
// imports of those files are not bundled a second time (each copy of a function costs JsVars while loaded, issue 9).
// Instead the module reads the functions and classes from the global MEPX, which the loading module fills for the
// moment of the load (ota/module.ts loadParsers), and gets the constants as literals. Class members keep their names
// across both bundles because the build shares one mangle cache.
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';

export const SHARED_GLOBAL = 'MEPX';

/** The stand-in source of a shared file: one export per export of the real module. Each lent name is read by a call
 *  marked pure, so that esbuild drops the ones the module does not use (a plain property read might have side
 *  effects, so it would keep them all); the "MEPX:" prefix lets the build find the names that remain in the minified
 *  code. */
export function sharedStandIn(exportsOf: Record<string, unknown>, file: string, lent: string[]): string {
  const lines = [
    `declare const ${SHARED_GLOBAL}: { [name: string]: any };`,
    `function shared(tagged: string): any { return ${SHARED_GLOBAL}[tagged.substring(${SHARED_GLOBAL.length + 1})]; }`,
  ];
  for (const name of Object.keys(exportsOf)) {
    const value = exportsOf[name];
    if (typeof value === 'function' && lent.includes(name)) {
      lines.push(`export const ${name} = /* @__PURE__ */ shared(${JSON.stringify(`${SHARED_GLOBAL}:${name}`)});`);
    } else if (typeof value === 'function') lines.push(`export { ${name} } from ${JSON.stringify(`${file}${OWN}`)};`);
    else if (value === null || ['number', 'string', 'boolean'].includes(typeof value) || Array.isArray(value) || isPlainData(value)) {
      lines.push(`export const ${name} = ${JSON.stringify(value)};`);
    } else throw new Error(`${file}: export ${name} is neither a function nor plain data, so it cannot be shared`);
  }
  return lines.join('\n');
}

function isPlainData(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  return JSON.stringify(v) !== undefined;
}

/** The names a bundle reads from MEPX (the build checks the loading module lends each one). */
export function sharedNamesUsed(code: string): string[] {
  const names = new Set<string>();
  const re = new RegExp(`"${SHARED_GLOBAL}:([A-Za-z_$][\\w$]*)"`, 'g');
  for (let m = re.exec(code); m; m = re.exec(code)) names.add(m[1]!);
  return [...names].sort();
}

/** Marks an import of a shared file's own code (a function the lender does not lend: bundled as usual). */
const OWN = '?own';

/** `lent`: the names the loading module lends (ota/module.ts parserHelpers). */
export function sharedImports(root: string, files: string[], lent: string[]): Plugin {
  const shared = new Set(files.map((f) => resolve(root, f)));
  return {
    name: 'mep-shared-imports',
    setup(b) {
      b.onResolve({ filter: /\?own$/ }, (args) => ({ path: args.path.slice(0, -OWN.length) }));
      b.onResolve({ filter: /^\./ }, (args) => {
        const path = resolve(args.resolveDir, args.path.endsWith('.ts') ? args.path : `${args.path}.ts`);
        return shared.has(path) ? { path, namespace: 'mep-shared' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'mep-shared' }, (args) => {
        // require, not import(): the build also runs inside jest, which has no dynamic import without a flag.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const real = require(args.path) as Record<string, unknown>;
        return { contents: sharedStandIn(real, args.path, lent), loader: 'ts', resolveDir: root };
      });
    },
  };
}
