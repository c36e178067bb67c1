// Bundles the extension into one CommonJS file, dist/extension.cjs (`main` in package.json):
// core and its dependencies inside, `vscode` external (the extension host provides it).
// Also copies core's JSON Schema for acmapi.json, which the extension contributes to editors.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, 'dist');
const require = createRequire(import.meta.url);

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/extension.ts'],
  outfile: resolve(outdir, 'extension.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.138's extension host runs Node 22.
  target: 'node22',
  external: ['vscode'],
  // jsonc-parser's `main` is a UMD build whose require('./impl/format') esbuild cannot follow
  // (the bundle then fails to load): its ES module build bundles cleanly.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  sourcemap: false,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
await copyFile(require.resolve('@acmapi/core/schema/acmapi.schema.json', { paths: [root] }), resolve(outdir, 'acmapi.schema.json'));
