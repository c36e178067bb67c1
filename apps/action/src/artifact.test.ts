import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findBinary, makeTempDir } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { JOB_BACKEND_ID, RUN_BACKEND_ID, startFakeArtifactService } from '../test/helpers/fake-artifact.js';
import type { FakeArtifactService } from '../test/helpers/fake-artifact.js';
import { ArtifactError, backendIds, expiresAt, uploadArtifact, zipFolder } from './artifact.js';

/** Info-ZIP's unzip, an independent reader of the zip. */
const unzip = (args: string[]): Promise<{ stdout: string }> => promisify(execFile)(findBinary('unzip', 'unzip'), args, { encoding: 'utf8' });
const jwt = (claims: unknown): string => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

let temp: TempDir;
let service: FakeArtifactService;
beforeAll(async () => {
  service = await startFakeArtifactService();
});
afterAll(async () => {
  await service.close();
});
beforeEach(async () => {
  temp = await makeTempDir('acmapi-artifact-');
  await mkdir(join(temp.path, 'certs', 'www'), { recursive: true });
  await writeFile(join(temp.path, 'certs', 'www', 'cert.pem'), 'CERT\n');
  await writeFile(join(temp.path, 'certs', 'www', 'acmapi-state.json'), '{}\n');
});
afterEach(async () => {
  await temp.cleanup();
});

const files = (): string[] => [join(temp.path, 'certs', 'www', 'acmapi-state.json'), join(temp.path, 'certs', 'www', 'cert.pem')];

describe('backendIds', () => {
  it('reads the run and job ids from the Actions.Results scope of the runtime token', () => {
    expect(backendIds(jwt({ scp: 'Actions.GenericRead:1 Actions.Results:run-1:job-2' }))).toEqual({ workflowRunBackendId: 'run-1', workflowJobRunBackendId: 'job-2' });
  });

  it('refuses a token without that scope, saying where output artifact works', () => {
    for (const token of ['not-a-jwt', jwt({}), jwt({ scp: 'Actions.GenericRead:1' }), jwt({ scp: 'Actions.Results:only-run' })]) {
      expect(() => backendIds(token)).toThrow(/only in a GitHub Actions job/);
    }
  });
});

describe('expiresAt', () => {
  const now = new Date('2026-01-30T10:00:00.000Z');
  it('is retention-days from now, in RFC 3339, capped by the repository\'s maximum', () => {
    expect(expiresAt(undefined, '90', now)).toEqual({ expiresAt: undefined, capped: false });
    expect(expiresAt(7, undefined, now)).toEqual({ expiresAt: '2026-02-06T10:00:00Z', capped: false });
    expect(expiresAt(30, '10', now)).toEqual({ expiresAt: '2026-02-09T10:00:00Z', capped: true });
  });
});

describe('zipFolder', () => {
  it('makes a zip that unzip (an independent peer) lists and extracts, paths relative to the folder', async () => {
    const zip = join(temp.path, 'out.zip');
    await writeFile(zip, await zipFolder(files(), join(temp.path, 'certs')));
    expect((await unzip(['-Z1', zip])).stdout.trim().split('\n').sort()).toEqual(['www/acmapi-state.json', 'www/cert.pem']);
    expect((await unzip(['-p', zip, 'www/cert.pem'])).stdout).toBe('CERT\n');
  });
});

describe('uploadArtifact', () => {
  const env = (): Record<string, string> => ({ ACTIONS_RUNTIME_TOKEN: service.runtimeToken, ACTIONS_RESULTS_URL: service.url });

  it('creates, uploads and finalizes with the zip\'s size and SHA-256, retrying a service hiccup', async () => {
    const waits: number[] = [];
    service.failNext = 2;
    const calls = service.calls.length;
    const result = await uploadArtifact(
      { name: 'certs-unit', files: files(), rootDirectory: join(temp.path, 'certs'), retentionDays: 3 },
      { env: { ...env(), GITHUB_RETENTION_DAYS: '2' }, sleep: (ms) => { waits.push(ms); return Promise.resolve(); }, now: () => new Date('2026-01-30T10:00:00.000Z') },
    );
    expect(result).toEqual({ id: 4242, warnings: ['retention-days 3 is more than the repository allows; the artifact is kept for 2 days.'] });
    expect(waits).toEqual([3000, 4500]);
    const [create, finalize] = service.calls.slice(calls);
    expect(create).toEqual({
      method: 'CreateArtifact',
      body: { workflow_run_backend_id: RUN_BACKEND_ID, workflow_job_run_backend_id: JOB_BACKEND_ID, name: 'certs-unit', version: 7, mime_type: 'application/zip', expires_at: '2026-02-01T10:00:00Z' },
    });
    const uploaded = service.uploads.get('certs-unit') ?? Buffer.alloc(0);
    expect(finalize).toEqual({
      method: 'FinalizeArtifact',
      body: { workflow_run_backend_id: RUN_BACKEND_ID, workflow_job_run_backend_id: JOB_BACKEND_ID, name: 'certs-unit', size: String(uploaded.length), hash: `sha256:${createHash('sha256').update(uploaded).digest('hex')}` },
    });
    const zip = join(temp.path, 'uploaded.zip');
    await writeFile(zip, uploaded);
    expect((await unzip(['-p', zip, 'www/cert.pem'])).stdout).toBe('CERT\n');
  });

  it('gives up after five attempts, and fails at once on a refusal, naming the status (never the token)', async () => {
    service.failNext = 5;
    const input = { name: 'certs-down', files: files(), rootDirectory: join(temp.path, 'certs'), retentionDays: undefined };
    const error = await uploadArtifact(input, { env: env(), sleep: () => Promise.resolve() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toBe('The artifact service failed to CreateArtifact (HTTP 503); run the job again.');
    const refused = await uploadArtifact(input, { env: { ...env(), ACTIONS_RUNTIME_TOKEN: jwt({ scp: 'Actions.Results:a:b' }) }, sleep: () => Promise.resolve() }).catch((e: unknown) => e);
    expect((refused as Error).message).toBe('The artifact service failed to CreateArtifact (HTTP 401); run the job again.');
    expect(service.failNext).toBe(0);
  });

  it('needs the runner\'s artifact settings and a name artifacts can have', async () => {
    const input = { name: 'ok', files: files(), rootDirectory: join(temp.path, 'certs'), retentionDays: undefined };
    await expect(uploadArtifact(input, { env: {} })).rejects.toThrow(/needs ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL/);
    await expect(uploadArtifact({ ...input, name: 'a/b' }, { env: env() })).rejects.toThrow(/artifact-name "a\/b" holds a character/);
  });
});
