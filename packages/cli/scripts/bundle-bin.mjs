// Bundles the `acmapi` executable into dist/bin.js plus dist/chunks/*.js, after tsc has
// built the library (dist/index.js and the rest stay as tsc writes them).
//
// Why: on Node 20, loading the command as ~300 separate modules (core, undici, zod,
// @peculiar/x509, commander…) costs more CPU than the command's work: each ESM or CommonJS
// file is resolved, read, lexed and compiled on its own. One bundle, split at the dynamic
// import() of each command (see command-table.ts), loads only the command being run, as a
// few files. `pnpm bench` measures the result.
import { rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, 'dist');
await rm(resolve(outdir, 'chunks'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { bin: 'src/bin.ts' },
  outdir,
  splitting: true,
  // version.ts finds package.json from here too (see there).
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
  // CommonJS dependencies (undici, commander, node-forge…) call require() for Node built-ins.
  banner: { js: "import { createRequire as __acmapiCreateRequire } from 'node:module';\nconst require = __acmapiCreateRequire(import.meta.url);" },
});
