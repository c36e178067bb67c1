import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveSignfile } from '@acmapi/core/deploy';
import { startSandbox } from '@acmapi/sandbox';
const DOMAIN='bench.acmapi.test';
const dir = await mkdtemp(join(tmpdir(), 'prof-'));
const signfile = { name: 'signfile', content: `acmapi-bench-${randomBytes(16).toString('hex')}` };
const authToken = randomBytes(24).toString('base64url');
const web = await serveSignfile({ host: '127.0.0.1', port: 0, signfile });
const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, tls: true,
  customers: [{ customerId: 'bench', authToken, signfile, allowedIps: ['127.0.0.1', '::1'] }],
  validation: { resolve: { [DOMAIN]: ['127.0.0.1'] }, httpPort: web.port } });
const caFile = join(dir, 'root.pem'); await writeFile(caFile, sandbox.caCertificates.rootPem);
const env = { PATH: process.env.PATH, XDG_CACHE_HOME: join(dir, 'cache'), ACMAPI_ENDPOINT: sandbox.url, ACMAPI_CUSTOMER_ID: 'bench', ACMAPI_AUTH_TOKEN: authToken, ACMAPI_CA_FILE: caFile };
const bin = process.env.BIN ?? new URL('../dist/bin.cjs', import.meta.url).pathname;
const run = (extra, out) => new Promise((res) => { const c = spawn(process.execPath, [...extra, bin, 'issue', '-d', DOMAIN, '--out', join(dir, out)], { env, stdio: ['ignore', 'ignore', 'inherit'] }); c.on('close', res); });
const extra = JSON.parse(process.env.EXTRA ?? '[]');
await run([], 'w');
for (let i = 0; i < Number(process.env.N ?? 1); i++) await run(extra, 'p' + i);
await sandbox.close(); await web.close();
