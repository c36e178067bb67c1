// The project service against a real sandbox CA over HTTPS, a real signfile server and a real
// store on disk: what the extension's Apply, Check Signfile and the pending tracker do, without VS Code.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSignfile, type ServeSignfileResult } from '@acmapi/core';
import { startSandbox, type Sandbox } from '@acmapi/sandbox';
import { makeTempDir, runOpenssl, type TempDir } from '@acmapi/test-utils';
import { formatMessage } from '../src/l10n/localize.js';
import { PendingPoller, type PollOutcome } from '../src/pending/poller.js';
import { ProjectService } from '../src/project/project-service.js';
import type { Logger } from '../src/project/logger.js';

const SIGNFILE = 'vscode-test-signfile-token';
const TOKEN = 'vscode-test-auth-token';
const lines: string[] = [];
const log: Logger = {
  trace: (message) => lines.push(message),
  debug: (message) => lines.push(message),
  info: (message) => lines.push(message),
  warn: (message) => lines.push(message),
  error: (message) => lines.push(String(message)),
};

let temp: TempDir;
let sandbox: Sandbox;
let signfileServer: ServeSignfileResult;

async function open(authToken: string | null = TOKEN): Promise<ProjectService> {
  return ProjectService.open({
    configFile: join(temp.path, 'acmapi.json'),
    settings: {
      caFile: join(temp.path, 'sandbox-ca.pem'),
      preflightMode: 'warn',
      resolve: ['example.test:127.0.0.1', 'www.example.test:127.0.0.1', 'pending.example.test:127.0.0.1', 'missing.example.test:127.0.0.1'],
      httpPort: signfileServer.port,
      httpsPort: 1,
    },
    authToken: () => Promise.resolve(authToken ?? undefined),
    log,
    t: formatMessage,
  });
}

beforeAll(async () => {
  temp = await makeTempDir('acmapi-vscode-service-');
  signfileServer = await serveSignfile({ signfile: { name: 'signfile', content: SIGNFILE } });
  sandbox = await startSandbox({
    customers: [{ customerId: 'vscode', authToken: TOKEN, signfile: { name: 'signfile', content: SIGNFILE } }],
    validation: { httpPort: signfileServer.port, resolve: { '*': ['127.0.0.1'] } },
    pending: { domains: ['pending.example.test'] },
  });
  await writeFile(join(temp.path, 'sandbox-ca.pem'), sandbox.caBundlePem);
  await writeFile(join(temp.path, 'signfile'), SIGNFILE);
  await mkdir(join(temp.path, 'certs'));
  await writeFile(
    join(temp.path, 'acmapi.json'),
    JSON.stringify({
      endpoint: sandbox.url,
      customerId: 'vscode',
      signfile: { name: 'signfile', path: 'signfile' },
      certificates: [
        { name: 'site', domains: ['example.test', 'www.example.test'] },
        { name: 'slow', domains: ['pending.example.test'] },
      ],
    }),
  );
});

afterAll(async () => {
  await sandbox.close();
  await signfileServer.close();
  await temp.cleanup();
});

describe('ProjectService', () => {
  it('checks the signfile of each domain the way the CA will', async () => {
    const service = await open();
    const result = await service.preflight(['example.test', 'missing.example.test']);
    if ('reason' in result) throw new Error(result.reason);
    expect(result.domains.map((domain) => domain.ok)).toEqual([true, true]);
    await writeFile(join(temp.path, 'signfile'), 'another token');
    const failing = await service.preflight(['example.test']);
    await writeFile(join(temp.path, 'signfile'), SIGNFILE);
    if ('reason' in failing) throw new Error(failing.reason);
    expect(failing.domains[0]?.failure?.kind).toBe('content-mismatch');
  });

  it('applies, installs the certificate in the store, and then skips renewal while not due', async () => {
    const service = await open();
    const outcome = await service.apply({ name: 'site', domains: ['example.test', 'www.example.test'], command: 'issue' });
    expect(outcome.status).toBe('issued');
    const record = (await service.records()).find((entry) => entry.name === 'site');
    expect(record?.state).toBe('valid');
    const live = await service.liveCertificate('site');
    if (live === undefined) throw new Error('no live certificate');
    await writeFile(join(temp.path, 'root.pem'), sandbox.caCertificates.rootPem);
    await writeFile(join(temp.path, 'chain.pem'), live.chainPem);
    await writeFile(join(temp.path, 'cert.pem'), live.certPem);
    const verified = await runOpenssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem'], { cwd: temp.path });
    expect(verified.stdout).toContain('cert.pem: OK');
    const again = await service.apply({ name: 'site', domains: ['example.test', 'www.example.test'], command: 'renew' });
    expect(again.status).toBe('skipped');
  });

  it('keeps a pending application, and the poller installs it once the CA approves', async () => {
    const service = await open();
    const outcome = await service.apply({ name: 'slow', domains: ['pending.example.test'], command: 'issue' });
    if (outcome.status !== 'pending') throw new Error(`expected pending, got ${outcome.status}`);
    expect(await service.pendingItems()).toEqual([{ certificateName: 'slow', handleId: outcome.handleId }]);
    const outcomes: PollOutcome[] = [];
    const poller = new PendingPoller({ list: () => service.pendingItems(), retrieve: (item, signal) => service.retrieve(item, signal), onOutcome: (_item, result) => outcomes.push(result) });
    try {
      await poller.pollNow();
      expect(outcomes.map((result) => result.status)).toEqual(['pending']);
      await sandbox.approve(outcome.handleId);
      await poller.pollNow();
      expect(outcomes.map((result) => result.status)).toEqual(['pending', 'issued']);
      expect(poller.pending).toEqual([]);
    } finally {
      poller.dispose();
    }
    const record = (await service.records()).find((entry) => entry.name === 'slow');
    expect(record?.state).toBe('valid');
    expect(record?.application).toBeUndefined();
  });

  it('says what to do when no auth token is set, and never logs the token', async () => {
    const service = await open(null);
    await expect(service.apply({ name: 'site', domains: ['example.test'], command: 'issue', force: true })).rejects.toMatchObject({ code: 'AUTH_TOKEN_MISSING' });
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});
