// Bundles the `acmapi` executable, after tsc has built the library (dist/index.js and the
// rest stay as tsc writes them):
//
//   dist/bin.cjs                the executable: --version and --help, else loads ↓
//   dist/programs/NAME.cjs      the program with the command NAME alone (CommonJS), loaded
//                               with a V8 code cache (src/code-cache.ts); none.cjs has no
//                               command, for a command line that names none
//
// Why bundle: on Node 20, loading the command as ~300 separate modules (core, undici, zod,
// @peculiar/x509, commander…) costs more CPU than the command's work: each ESM or CommonJS
// file is resolved, read, lexed and compiled on its own. Why a CommonJS entry: starting
// Node's ES module loader alone costs about 5–10 ms, half of what `node -e 0` costs, and
// --version and --help need none of it. Why CommonJS bundles for the program rather than
// ES module chunks: Node 20 can take a code cache only for a script it compiles through
// node:vm (ES modules would need the experimental vm.SourceTextModule), and with the code
// cache compiling nearly disappears (about 80 ms less CPU per `acmapi issue`), whatever the
// bundle's size. `pnpm bench` measures the result.
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { compileFunction } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { thirdPartyNotices } from '../../../scripts/third-party-notices.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Usage: node scripts/bundle-bin.mjs [--outdir DIR] [--metafile FILE]: by default into dist/
// (where tsc wrote the library); --metafile writes every build's esbuild inputs, merged, which
// test/third-party-notices.test.mjs checks the notices against (with --outdir, outside dist/).
function option(name) {
  if (!process.argv.includes(name)) return undefined;
  const value = process.argv[process.argv.indexOf(name) + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`bundle-bin.mjs: ${name} needs a path.`);
  return resolve(process.cwd(), value);
}
const outdir = option('--outdir') ?? resolve(root, 'dist');
const metafileOut = option('--metafile');

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

// undici's HTTP/2 client (lib/dispatcher/client-h2.js) loads Node's http2 module when it is
// loaded, which is when undici's Client is: about 5–15 ms of CPU per `acmapi issue`, though
// core's dispatcher never offers HTTP/2 (allowH2 is off). Its one export, connectH2(), is
// called only on a connection that negotiated h2; in its place, a function that loads the
// real module on that first call.
const lazyUndiciH2 = {
  name: 'lazy-undici-h2',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/.test(args.importer)
        ? { path: 'lazy-client-h2', namespace: 'acmapi', pluginData: args.resolveDir }
        : undefined,
    );
    plugin.onLoad({ filter: /^lazy-client-h2$/, namespace: 'acmapi' }, (args) => ({
      contents: "module.exports = function connectH2(client, socket) { return require('./client-h2.js')(client, socket); };",
      loader: 'js',
      resolveDir: args.pluginData,
    }));
  },
};

// undici requires node:assert in 33 of its files, and only ever calls it, as assert(value),
// on values that are true unless undici has a bug; loading Node's assert module (with its
// error class and colour support) costs a few ms of every `acmapi issue`. In undici's files,
// 'node:assert' is a function that passes a true value and hands anything else, and any
// property, to the real module, loaded then: the same outcome, the same AssertionError.
const lazyUndiciAssert = {
  name: 'lazy-undici-assert',
  setup(plugin) {
    plugin.onResolve({ filter: /^node:assert$/ }, (args) => (/[\\/]undici[\\/]lib[\\/]/.test(args.importer) ? { path: 'lazy-assert', namespace: 'acmapi' } : undefined));
    plugin.onLoad({ filter: /^lazy-assert$/, namespace: 'acmapi' }, () => ({
      contents: [
        "const real = () => require('node:assert');",
        'module.exports = new Proxy(function assert() {}, {',
        '  apply: (_, self, args) => (args.length > 0 && args[0] ? undefined : Reflect.apply(real(), self, args)),',
        '  get: (_, key) => real()[key],',
        '});',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// Two of undici's files load Node's http module when they load: client.js reads its
// maxHeaderSize to pick a default, util.js compares a stream's class with IncomingMessage
// when destroying it. Neither is needed before (core passes no stream bodies, and the
// default is read when a client is built), yet loading http costs about 5–8 ms of CPU per
// `acmapi issue`. Both files are rewritten to read http where they use it; the build fails
// when a pattern is not found (a new undici), rather than bundling the eager form.
const lazyUndiciHttp = {
  name: 'lazy-undici-http',
  setup(plugin) {
    const edits = [
      {
        file: /[\\/]undici[\\/]lib[\\/]core[\\/]util\.js$/,
        replace: [
          ["const { IncomingMessage } = require('node:http')\n", ''],
          ['.constructor === IncomingMessage)', ".constructor === require('node:http').IncomingMessage)"],
        ],
      },
      {
        file: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
        replace: [
          ["const http = require('node:http')\n", ''],
          [
            /const getDefaultNodeMaxHeaderSize = http &&[^]*?http module not available or http\.maxHeaderSize invalid'\) \}\n/,
            "const getDefaultNodeMaxHeaderSize = () => {\n  const { maxHeaderSize } = require('node:http')\n  if (Number.isInteger(maxHeaderSize) && maxHeaderSize > 0) return maxHeaderSize\n  throw new InvalidArgumentError('http module not available or http.maxHeaderSize invalid')\n}\n",
          ],
        ],
      },
    ];
    for (const { file, replace } of edits) {
      plugin.onLoad({ filter: file }, async (args) => {
        let contents = await readFile(args.path, 'utf8');
        for (const [from, to] of replace) {
          const next = contents.replace(from, to);
          if (next === contents) throw new Error(`lazy-undici-http: ${args.path} no longer has ${String(from)}; update scripts/bundle-bin.mjs for this undici.`);
          contents = next;
        }
        return { contents, loader: 'js' };
      });
    }
  },
};

// core's domain rules import toASCII from tr46 (UTS #46) for names that are not plain ASCII;
// for plain names they never call it (src/domains/domains.ts). tr46's module builds its
// mapping table (about 240 KB of code) and regular expressions when loaded, in every command
// that handles a domain name. Here core's import is a function that loads tr46 when first
// called. A name core imports that this module lacks fails the build (esbuild checks).
const lazyTr46 = {
  name: 'lazy-tr46',
  setup(plugin) {
    plugin.onResolve({ filter: /^tr46$/ }, (args) =>
      args.kind === 'import-statement' && /[\\/]core[\\/]dist[\\/]/.test(args.importer)
        ? { path: 'lazy-tr46', namespace: 'acmapi', pluginData: args.resolveDir }
        : undefined,
    );
    plugin.onLoad({ filter: /^lazy-tr46$/, namespace: 'acmapi' }, (args) => ({
      contents: "export function toASCII(...args) { return require('tr46').toASCII(...args); }",
      loader: 'js',
      resolveDir: args.pluginData,
    }));
  },
};

// Three libraries that a command loads only on a path most runs never take stay out of the
// programs, each in a file of its own that the program requires where it is first needed
// (dist/programs/lazy/NAME.cjs): node-forge (about 370 KB, for a .pfx only), tr46 (about
// 240 KB, for a name that is not plain ASCII) and undici's llhttp without WebAssembly SIMD
// (about 70 KB, where SIMD is missing). Every start reads, copies and hashes a program's
// whole text before its code cache applies, and on a machine where each new page of memory
// costs a page fault that is most of a start: `acmapi issue` reads 0.7 MB less. One copy in
// dist/programs/lazy serves every program; the loader's require() caches it by its path.
const LAZY_FILES = [
  { name: 'node-forge', filter: /^node-forge$/, entry: () => createRequire(resolve(root, '../core/package.json')).resolve('node-forge') },
  { name: 'tr46', filter: /^tr46$/, entry: () => createRequire(resolve(root, '../core/package.json')).resolve('tr46') },
  { name: 'llhttp-wasm', filter: /^\.\.\/llhttp\/llhttp-wasm\.js$/, entry: () => resolve(undiciDir, 'lib/llhttp/llhttp-wasm.js') },
];
const lazyFiles = {
  name: 'lazy-files',
  setup(plugin) {
    for (const { name, filter } of LAZY_FILES) {
      // A static `import` would load it at start anyway; only require() and import() are taken.
      plugin.onResolve({ filter }, (args) => (args.kind === 'require-call' || args.kind === 'dynamic-import' ? { path: name, namespace: 'acmapi-lazy' } : undefined));
    }
    plugin.onLoad({ filter: /.*/, namespace: 'acmapi-lazy' }, (args) => ({
      // __dirname is dist/programs both when code-cache.ts runs the program and when require() does.
      // A missing file (an installation cut short) says so, with code INSTALL_INCOMPLETE, rather
      // than as whatever core would make of MODULE_NOT_FOUND (src/present/install-incomplete.ts).
      contents: `const path = require('node:path').join(__dirname, 'lazy', ${JSON.stringify(`${args.path}.cjs`)});
try {
  module.exports = require(path);
} catch (error) {
  if (error === null || typeof error !== 'object' || error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes(path)) throw error;
  throw Object.assign(new Error("acmapi's installation is incomplete: " + path + ' is missing.'), { code: 'INSTALL_INCOMPLETE', path, cause: error });
}`,
      loader: 'js',
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

// Whitespace and comments go, and syntax is shortened (less to read and parse at each start);
// names stay, so a stack trace still says which function failed. Licence comments are kept
// (the programs' in dist/programs/NAME.cjs.LEGAL.txt, see below).
// Minifying names too was measured: no gain in `acmapi issue` CPU beyond the noise.
// Both are CommonJS; version.ts reads package.json relative to its own URL (dist/, either way).
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // import() becomes require(): a program runs as a vm.Script with a code cache, and V8 loses
  // a cached script's dynamic-import callback ("A dynamic import callback was not specified"
  // from the second run on), while core loads node:http and node:child_process where used.
  supported: { 'dynamic-import': false },
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  write: false,
  // What each bundle holds, for its third-party notices (dist/THIRD_PARTY_NOTICES.md).
  metafile: true,
  banner: { js: "'use strict';\nconst __acmapiModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
// A program is written already inside the function Node's CommonJS loader would wrap it in,
// so that src/code-cache.ts compiles the file's text as it was read: putting the wrapper
// around a megabyte of source at run time made one more copy of it, and on a machine where
// each new page of memory is a page fault that copy costs more than the code cache saves in
// reading. The same file still works as a CommonJS module (Node 22 and later require() it,
// with Node's own compile cache): there `exports` and `module` are the loader's, and the
// head calls the function with them; run as a script (code-cache.ts), neither exists and the
// script's value is the function itself.
const PROGRAM_HEAD = `(typeof exports === 'object' && typeof module === 'object' ? (program) => program(exports, require, module, __filename, __dirname) : (program) => program)(function (exports, require, module, __filename, __dirname) {${common.banner.js}`;
const PROGRAM_TAIL = '\n})';
// One program per command (the others' modules left out), and one with no command (for a
// command line that names none): a command's code cache holds that command alone, and it
// reads and loads no other command's modules (`acmapi issue` about 4% less CPU than with one
// program of every command, `acmapi list` a third of the bytes). The commands come from
// src/command-loaders.ts, whose import of every other command is left out of each program.
const loaderSource = await readFile(resolve(root, 'src/command-loaders.ts'), 'utf8');
const LOADER_ROW = /^ {2}([a-z]+): async \(ctx\) => \(await import\('(\.\/commands\/[a-z-]+\.js)'\)\)\.([A-Za-z]+)\(ctx\),$/gm;
const loaders = [...loaderSource.matchAll(LOADER_ROW)].map(([, name, path, builder]) => ({ name, path, builder }));
if (loaders.length === 0 || loaders.length !== loaderSource.split('await import(').length - 1) {
  throw new Error('src/command-loaders.ts has a row this script cannot read: keep each as `  NAME: async (ctx) => (await import(PATH)).BUILDER(ctx),`.');
}

/** src/command-loaders.ts with only `command`'s import (none for undefined); the other rows fail if called, which commandToLoad rules out. */
function loadersOf(command) {
  const rows = loaders.map(({ name, path, builder }) =>
    name === command ? `  ${name}: async (ctx) => (await import(${JSON.stringify(path)})).${builder}(ctx),` : `  ${name}: absent,`,
  );
  return {
    name: 'one-command',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\/command-loaders\.js$/ }, (args) =>
        args.importer.endsWith(`${'src'}/program.ts`) ? { path: 'command-loaders', namespace: 'acmapi-loaders' } : undefined,
      );
      plugin.onLoad({ filter: /^command-loaders$/, namespace: 'acmapi-loaders' }, () => ({
        contents: [
          `const absent = async () => { throw new Error('internal error: this program of acmapi has only the command ${command ?? '(none)'}'); };`,
          'export const COMMAND_LOADERS = {',
          ...rows,
          '};',
        ].join('\n'),
        loader: 'js',
        resolveDir: resolve(root, 'src'),
      }));
    },
  };
}

const programs = await Promise.all(
  [undefined, ...loaders.map(({ name }) => name)].map(async (command) => {
    const name = command ?? 'none';
    const result = await build({
      ...common,
      entryPoints: ['src/program.ts'],
      outfile: resolve(outdir, 'programs', `${name}.cjs`),
      // The lazy files a complete installation has: a command checks them before it does anything (src/install-incomplete.ts).
      define: { 'import.meta.url': '__acmapiModuleUrl', __ACMAPI_LAZY_FILES__: JSON.stringify(LAZY_FILES.map(({ name }) => `${name}.cjs`)) },
      // esbuild writes code in ASCII (charset 'ascii', its default: other characters as
      // escapes), but licence comments as they are. Kept in a file of their own, they leave
      // the program all ASCII, which src/code-cache.ts reads as latin1: V8 then takes the
      // bytes as they are, where UTF-8 is decoded and checked first (about 2 ms a run).
      legalComments: 'external',
      banner: { js: PROGRAM_HEAD },
      footer: { js: PROGRAM_TAIL },
      plugins: [loadersOf(command), lazyFiles, lazyChildProcess, slimUndici, lazyUndiciH2, lazyUndiciAssert, lazyUndiciHttp, lazyTr46, peculiarEsm],
    });
    const file = result.outputFiles.find((output) => output.path.endsWith('.cjs'));
    if (file === undefined) throw new Error(`esbuild wrote no programs/${name}.cjs`);
    const notAscii = file.contents.findIndex((byte) => byte > 0x7f);
    if (notAscii !== -1) throw new Error(`dist/programs/${name}.cjs has a byte that is not ASCII at ${notAscii}; src/code-cache.ts reads it as latin1.`);
    // The code cache of a build is named by this hash, so a new build never meets an old cache.
    return { name, outputFiles: result.outputFiles, metafile: result.metafile, hash: createHash('sha256').update(file.contents).digest('hex').slice(0, 32) };
  }),
);
const lazyOutputs = await Promise.all(
  LAZY_FILES.map(async ({ name, entry }) => {
    const result = await build({ ...common, banner: {}, entryPoints: [entry()], outfile: resolve(outdir, 'programs', 'lazy', `${name}.cjs`), legalComments: 'external' });
    return result;
  }),
);
const executable = await build({
  ...common,
  entryPoints: ['src/bin.ts'],
  outfile: resolve(outdir, 'bin.cjs'),
  define: {
    'import.meta.url': '__acmapiModuleUrl',
    __ACMAPI_PROGRAM_HASHES__: JSON.stringify(Object.fromEntries(programs.map(({ name, hash }) => [name, hash]))),
  },
});

await checkUndiciImports();
// The programs of earlier builds (and their ES module chunks, before that).
await rm(resolve(outdir, 'chunks'), { recursive: true, force: true });
await rm(resolve(outdir, 'programs'), { recursive: true, force: true });
await rm(resolve(outdir, 'program.cjs'), { force: true });
await rm(resolve(outdir, 'program.cjs.LEGAL.txt'), { force: true });
await mkdir(resolve(outdir, 'programs'), { recursive: true });
await mkdir(resolve(outdir, 'programs', 'lazy'), { recursive: true });
for (const file of [...programs.flatMap((program) => program.outputFiles), ...lazyOutputs.flatMap((lazy) => lazy.outputFiles)]) await writeFile(file.path, file.text);
for (const file of executable.outputFiles) {
  await writeFile(file.path, file.text);
  await chmod(file.path, 0o755);
}
// Every package the bundles hold, with its licence text: their licences ask that the notices
// travel with every copy (scripts/third-party-notices.mjs; `files` publishes dist/).
const metafiles = [...programs, ...lazyOutputs, executable].map(({ metafile }) => ({ metafile, absWorkingDir: root }));
await writeFile(resolve(outdir, 'THIRD_PARTY_NOTICES.md'), thirdPartyNotices('The acmapi command (@acmapi/cli)', metafiles));
if (metafileOut !== undefined) {
  await writeFile(metafileOut, JSON.stringify({ inputs: Object.assign({}, ...metafiles.map(({ metafile }) => metafile.inputs)) }));
}
