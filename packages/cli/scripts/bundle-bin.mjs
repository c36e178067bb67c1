// Bundles the `acmapi` executable, after tsc has built the library (dist/index.js and the
// rest stay as tsc writes them):
//
//   dist/bin.cjs                the executable: --version and --help, else imports ↓
//   dist/chunks/program.js      the program (ES module), which imports one command's chunk
//   dist/chunks/*-HASH.js       the commands and what they share, split at each import()
//
// Why bundle: on Node 20, loading the command as ~300 separate modules (core, undici, zod,
// @peculiar/x509, commander…) costs more CPU than the command's work: each ESM or CommonJS
// file is resolved, read, lexed and compiled on its own. Why a CommonJS entry: starting
// Node's ES module loader alone costs about 5–10 ms, half of what `node -e 0` costs, and
// --version and --help need none of it. `pnpm bench` measures the result.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { compileFunction } from 'node:vm';
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

// undici's root module loads fetch, WebSocket, the cache API and cookies before it exports
// anything; the program needs none of them. `undici` resolves to scripts/undici-slim.cjs,
// read as if it were a file of undici's folder (its './lib/…' are undici's own files). The
// build fails when a module imports a name from undici that the slim entry lacks.
const undiciDir = dirname(createRequire(resolve(root, '../core/package.json')).resolve('undici/package.json'));
const undiciImporters = new Set();
const slimUndici = {
  name: 'slim-undici',
  setup(plugin) {
    plugin.onResolve({ filter: /^undici$/ }, (args) => {
      undiciImporters.add(args.importer);
      return { path: 'undici-slim', namespace: 'acmapi-undici' };
    });
    plugin.onLoad({ filter: /^undici-slim$/, namespace: 'acmapi-undici' }, async () => ({
      contents: await readFile(resolve(root, 'scripts/undici-slim.cjs'), 'utf8'),
      loader: 'js',
      resolveDir: undiciDir,
    }));
  },
};

/** Fails unless every name imported from 'undici' by a bundled module is exported by the slim entry. */
async function checkUndiciImports() {
  // Evaluated as the bundle does: its require() is one of a file in undici's folder.
  const slim = { exports: {} };
  const text = await readFile(resolve(root, 'scripts/undici-slim.cjs'), 'utf8');
  compileFunction(text, ['require', 'module', 'exports'])(createRequire(resolve(undiciDir, 'index.js')), slim, slim.exports);
  for (const file of undiciImporters) {
    const source = await readFile(file, 'utf8');
    for (const [, names] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]undici['"]/g)) {
      for (const name of names.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean)) {
        if (!(name in slim.exports)) throw new Error(`${file} imports ${name} from undici, which scripts/undici-slim.cjs does not export.`);
      }
    }
  }
}

// The ASN.1 libraries core builds CSRs with (@peculiar/asn1-*, asn1js and their helpers) ship
// an ES module build beside the CommonJS one, and load every schema class of a package from
// its index (all X.509 extensions, every ECC algorithm identifier), each with decorator calls
// at load. Bundled from their ES module build and marked free of side effects (their side
// effects are the schema registrations of the classes themselves), esbuild leaves out the
// modules nothing imports: about 40 ms less CPU per `acmapi issue`. Every one of these names
// resolves here, so no CommonJS copy (with a second schema registry) can slip in.
const peculiarEsm = {
  name: 'peculiar-esm',
  setup(plugin) {
    plugin.onResolve({ filter: /^(@peculiar\/asn1-[a-z0-9-]+|asn1js|pvtsutils|pvutils|tslib)$/ }, async (args) => {
      if (args.pluginData === 'peculiar-esm') return undefined;
      const result = await plugin.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'peculiar-esm' });
      if (result.errors.length > 0) return result;
      const pkgDir = result.path.slice(0, result.path.lastIndexOf('/node_modules/') + '/node_modules/'.length + args.path.length);
      const pkg = JSON.parse(await readFile(resolve(pkgDir, 'package.json'), 'utf8'));
      const esm = pkg.module ?? pkg['jsnext:main'];
      return { path: esm === undefined ? result.path : resolve(pkgDir, esm), sideEffects: false };
    });
  },
};

// bin.ts imports './program.js': in the executable, that is the program's bundle.
const programFromChunks = {
  name: 'program-from-chunks',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/program\.js$/ }, (args) =>
      args.importer.endsWith(`${'src'}/bin.ts`) ? { path: './chunks/program.js', external: true } : undefined,
    );
  },
};

// Whitespace and comments go, and syntax is shortened (less to read and parse at each start);
// names stay, so a stack trace still says which function failed. Licence comments are kept.
// Minifying names too was measured: no gain in `acmapi issue` CPU beyond the noise.
const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', sourcemap: false, minifyWhitespace: true, minifySyntax: true, logLevel: 'warning', write: false };
const [program, executable] = await Promise.all([
  build({
    ...common,
    entryPoints: { 'chunks/program': 'src/program.ts' },
    outdir,
    format: 'esm',
    splitting: true,
    // version.ts finds package.json from here too (see there).
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [lazyChildProcess, slimUndici, peculiarEsm],
  }),
  build({
    ...common,
    entryPoints: ['src/bin.ts'],
    outfile: resolve(outdir, 'bin.cjs'),
    format: 'cjs',
    plugins: [programFromChunks],
    // version.ts reads package.json relative to its own URL.
    define: { 'import.meta.url': '__acmapiModuleUrl' },
    banner: { js: "'use strict';\nconst __acmapiModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
]);

await checkUndiciImports();
await rm(resolve(outdir, 'chunks'), { recursive: true, force: true });
for (const file of program.outputFiles) {
  const text = NAMES_REQUIRE.test(file.text) ? REQUIRE_SHIM + file.text : file.text;
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, text);
}
for (const file of executable.outputFiles) {
  await writeFile(file.path, file.text);
  await chmod(file.path, 0o755);
}
