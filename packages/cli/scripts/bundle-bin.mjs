// Bundles the `acmapi` executable into dist/bin.js plus dist/chunks/*.js, after tsc has
// built the library (dist/index.js and the rest stay as tsc writes them).
//
// Why: on Node 20, loading the command as ~300 separate modules (core, undici, zod,
// @peculiar/x509, commander…) costs more CPU than the command's work: each ESM or CommonJS
// file is resolved, read, lexed and compiled on its own. One bundle, split at the dynamic
// import() of each command (see command-table.ts), loads only the command being run, as a
// few files. `pnpm bench` measures the result.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, 'dist');

// CommonJS dependencies (undici, commander, node-forge…) call require() for Node built-ins;
// esbuild routes those calls through one helper that needs a real `require` in scope. Only
// the files that name `require` get one: creating it costs about half a millisecond a file.
const REQUIRE_SHIM = "import { createRequire as __acmapiCreateRequire } from 'node:module';\nconst require = __acmapiCreateRequire(import.meta.url);\n";
const NAMES_REQUIRE = /(?<![\w$.])require(?![\w$])/;

// commander requires node:child_process at load, for executable subcommands, which acmapi
// has none of; loading it costs about 3 ms of every command. It is taken when first used.
const lazyChildProcess = {
  name: 'lazy-child-process-for-commander',
  setup(plugin) {
    plugin.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'acmapi' } : undefined,
    );
    plugin.onLoad({ filter: /^lazy-child-process$/, namespace: 'acmapi' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

const result = await build({
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
  plugins: [lazyChildProcess],
  write: false,
});

await rm(resolve(outdir, 'chunks'), { recursive: true, force: true });
for (const file of result.outputFiles) {
  let text = file.text;
  if (NAMES_REQUIRE.test(text)) {
    const hashbang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
    text = hashbang + REQUIRE_SHIM + text.slice(hashbang.length);
  }
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, text);
  if (text.startsWith('#!')) await chmod(file.path, 0o755);
}
