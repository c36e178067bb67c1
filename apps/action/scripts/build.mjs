// Bundles the Action into one ESM file, `OUTDIR/index.js`, the file `action.yml` runs.
// Usage: node scripts/build.mjs OUTDIR   (the committed bundle is `dist/`).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, process.argv[2] ?? 'dist');
const coreDist = resolve(root, '../../packages/core/dist') + sep;

// @acmapi/core's modules do nothing when imported but define things, yet its package.json
// does not say "sideEffects": false. Without this, esbuild keeps everything its index
// re-exports in index.js, which the runner parses at every cold start: zod (acmapi.json,
// loaded on demand here), node-forge (PKCS#12, never used here), the store. x509.js's crypto
// provider set-up still runs whenever x509.js is used, which every certificate function does.
const coreWithoutSideEffects = {
  name: 'acmapi-core-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^@acmapi\/core$/ }, async (args) => {
      if (args.pluginData?.acmapiResolving === true) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { acmapiResolving: true } });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, sideEffects: false };
    });
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(coreDist)) return undefined;
      // Core's relative imports name their .js file exactly (NodeNext).
      return { path: resolve(args.resolveDir, args.path), sideEffects: false };
    });
  },
};

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
  plugins: [coreWithoutSideEffects],
  // Some CommonJS dependencies of @actions/* call require() for Node built-ins.
  banner: { js: "import { createRequire as __acmapiCreateRequire } from 'node:module';\nconst require = __acmapiCreateRequire(import.meta.url);" },
});
