// Bundles the Action into one ESM file, `OUTDIR/index.js`, the file `action.yml` runs.
// Usage: node scripts/build.mjs OUTDIR   (the committed bundle is `dist/`).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, process.argv[2] ?? 'dist');
await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  outdir,
  // @actions/artifact and @actions/github load only for output artifact/commit, the acmapi.json
  // reader (core's schema, zod) only with the config input.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Stable output: no absolute paths, no timestamps, so check-dist can compare byte for byte.
  legalComments: 'none',
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
  // Some CommonJS dependencies of @actions/* call require() for Node built-ins.
  banner: { js: "import { createRequire as __acmapiCreateRequire } from 'node:module';\nconst require = __acmapiCreateRequire(import.meta.url);" },
});
