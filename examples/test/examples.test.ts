/**
 * Runs every example as its readers would: `node FILE …` in a child process, against a
 * sandbox CA started here (HTTPS, real signfile validation) and a real nginx serving the
 * webroot. Results are checked on the examples' output and files, and the issued
 * certificate independently with openssl.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@acmapi/sandbox';
import { makeTempDir, runOpenssl, startNginx, startSignfileSite, type NginxServer, type TempDir } from '@acmapi/test-utils';

const run = promisify(execFile);
const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SIGNFILE = { name: 'signfile', content: 'acmapi-examples-token-5f1c' };
const AUTH_TOKEN = 'examples-secret-token-8d2e';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an example with node; a non-zero exit is a result, not a throw. */
async function runExample(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...args], { cwd: examplesDir, env: { PATH: process.env['PATH'], ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

describe('examples/', () => {
  let temp: TempDir;
  let signfilePath: string;

  beforeAll(async () => {
    temp = await makeTempDir('acmapi-examples-');
    signfilePath = join(temp.path, SIGNFILE.name);
    await writeFile(signfilePath, `${SIGNFILE.content}\n`);
  });
  afterAll(async () => {
    await temp.cleanup();
  });

  describe('issue-into-store.mjs', () => {
    let web: NginxServer;
    let sandbox: Sandbox;
    let webroot: string;
    const domains = ['shop.example.test', 'www.shop.example.test'];

    beforeAll(async () => {
      webroot = join(temp.path, 'webroot');
      await mkdir(webroot);
      web = await startNginx({ webroot });
      sandbox = await startSandbox({
        customers: [{ customerId: 'examples', authToken: AUTH_TOKEN, signfile: SIGNFILE }],
        validation: { resolve: { '*.example.test': ['127.0.0.1'], 'shop.example.test': ['127.0.0.1'] }, httpPort: web.port },
      });
      await writeFile(join(temp.path, 'sandbox-ca.pem'), sandbox.caBundlePem);
    });
    afterAll(async () => {
      await sandbox.close();
      await web.stop();
    });

    const issue = (extra: readonly string[] = []): Promise<Ran> =>
      runExample(
        [
          'issue-into-store.mjs',
          ...['--store', join(temp.path, 'store'), '--webroot', webroot, '--signfile', signfilePath],
          ...domains.flatMap((domain) => ['-d', domain, '--resolve', `${domain}:127.0.0.1`]),
          ...['--http-port', String(web.port)],
          ...extra,
        ],
        { ACMAPI_ENDPOINT: sandbox.url, ACMAPI_CUSTOMER_ID: 'examples', ACMAPI_AUTH_TOKEN: AUTH_TOKEN, ACMAPI_CA_FILE: join(temp.path, 'sandbox-ca.pem') },
      );

    it('issues into the store: live files that openssl verifies against the sandbox root, the signfile removed afterwards', async () => {
      const result = await issue();
      expect(result.stderr).not.toContain(AUTH_TOKEN);
      expect(result.stdout).not.toContain(AUTH_TOKEN);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^status: issued$/m);
      expect(result.stderr).toMatch(/^event: preflight-finished$/m);
      const live = /^live: (.+)$/m.exec(result.stdout)?.[1];
      expect(live).toBe(join(temp.path, 'store', 'shop.example.test', 'live'));
      if (live === undefined) return;
      await writeFile(join(temp.path, 'root.pem'), sandbox.caCertificates.rootPem);
      const verified = await runOpenssl(['verify', '-CAfile', join(temp.path, 'root.pem'), '-untrusted', join(live, 'chain.pem'), join(live, 'cert.pem')]);
      expect(verified.stdout).toContain(': OK');
      const text = (await runOpenssl(['x509', '-noout', '-ext', 'subjectAltName', '-in', join(live, 'cert.pem')])).stdout;
      for (const domain of domains) expect(text).toContain(`DNS:${domain}`);
      // The private key of the live certificate is the one it certifies (openssl, not our code).
      const keyPub = (await runOpenssl(['pkey', '-pubout', '-in', join(live, 'privkey.pem')])).stdout;
      const certPub = (await runOpenssl(['x509', '-noout', '-pubkey', '-in', join(live, 'cert.pem')])).stdout;
      expect(keyPub).toBe(certPub);
      await expect(access(join(webroot, '.well-known', 'pki-validation', SIGNFILE.name))).rejects.toThrow();
      expect(sandbox.applications()).toHaveLength(1);
    });

    it('a second run sends nothing: the store says not due', async () => {
      const result = await issue();
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^status: not-due$/m);
      expect(result.stdout).toMatch(/^renewal at: \d{4}-\d\d-\d\dT/m);
      expect(sandbox.applications()).toHaveLength(1);
    });

    it('a failing preflight sends nothing and exits 1 with the error code', async () => {
      // A webroot that exists but is not the one the web server serves: the signfile is placed, yet 404.
      await mkdir(join(temp.path, 'not-served'));
      const result = await runExample(
        ['issue-into-store.mjs', '--store', join(temp.path, 'store2'), '--webroot', join(temp.path, 'not-served'), '--signfile', signfilePath, '-d', 'blog.example.test', '--resolve', 'blog.example.test:127.0.0.1', '--http-port', String(web.port)],
        { ACMAPI_ENDPOINT: sandbox.url, ACMAPI_CUSTOMER_ID: 'examples', ACMAPI_AUTH_TOKEN: AUTH_TOKEN, ACMAPI_CA_FILE: join(temp.path, 'sandbox-ca.pem') },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^failed: PREFLIGHT_FAILED: /m);
      expect(sandbox.applications()).toHaveLength(1);
    });
  });

  describe('preflight.mjs', () => {
    let site: NginxServer;
    beforeAll(async () => {
      site = await startSignfileSite({ dir: join(temp.path, 'site'), signfile: SIGNFILE, missingDomain: 'missing.example.test' });
    });
    afterAll(async () => {
      await site.stop();
    });

    const preflight = (domains: readonly string[]): Promise<Ran> =>
      runExample(['preflight.mjs', '--signfile', signfilePath, ...domains.flatMap((domain) => ['-d', domain, '--resolve', `${domain}:127.0.0.1`]), '--http-port', String(site.port)]);

    it('passes, exit 0, when every domain serves the signfile', async () => {
      const result = await preflight(['ok.example.test']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('ok.example.test: ok (1 address(es))');
    });

    it('fails, exit 1, naming the domain whose site answers 404', async () => {
      const result = await preflight(['ok.example.test', 'missing.example.test']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('ok.example.test: ok');
      expect(result.stdout).toMatch(/^missing\.example\.test: failed \(http-status\): /m);
    });
  });

  describe('sandbox-test-suite.test.mjs', () => {
    it('runs green under node --test, every one of its tests', async () => {
      const source = await readFile(join(examplesDir, 'sandbox-test-suite.test.mjs'), 'utf8');
      const declared = source.match(/^test\(/gm)?.length ?? 0;
      const result = await runExample(['--test', '--test-reporter=tap', 'sandbox-test-suite.test.mjs']);
      expect(result.code, result.stdout).toBe(0);
      expect(declared).toBeGreaterThanOrEqual(3);
      expect(result.stdout).toMatch(new RegExp(`^# pass ${declared}$`, 'm'));
      expect(result.stdout).toMatch(/^# fail 0$/m);
    });
  });
});
