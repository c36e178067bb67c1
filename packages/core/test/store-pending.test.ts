/**
 * Pending applications across process restarts, refusals, and "not yet due": each run is a
 * real child process (test/fixtures/store-driver.mjs), so nothing survives between runs but
 * the store's files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { certificateMatchesPrivateKey } from '../src/pki/certificate.js';
import { keyMatchesCsr } from '../src/pki/csr.js';
import { openStore } from '../src/store/certificate-store.js';
import { applications, approve, expectStoreInvariants, makeCaDir, readState, runDriver, setCaMode, type DriverInput } from './helpers/store-harness.js';

const DAY = 86_400_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const domains = ['pending.example.com'];

let temp: TempDir;
let caDir: string;
let storeDir: string;
const run = (command: DriverInput['command'], at: number, extra: Partial<DriverInput> = {}) =>
  runDriver({ storeDir, caDir, name: 'site', domains, command, now: new Date(at).toISOString(), ...extra });

beforeEach(async () => {
  temp = await makeTempDir('acmapi-store-pending-');
  caDir = join(temp.path, 'ca');
  storeDir = join(temp.path, 'store');
  await makeCaDir(caDir, { mode: 'pending' });
});

afterEach(async () => {
  await temp.cleanup();
});

describe('store: pending applications', () => {
  it('pending for several polls, then approved after restarts: the certificate matches the first run\'s key', async () => {
    const first = await run('issue', T0);
    expect(first.output?.outcome).toEqual({ status: 'pending', handleId: 'H1' });
    const firstKey = await readFile(join(storeDir, 'site', 'versions', (await readState(storeDir, 'site'))?.attempt ?? '', 'privkey.pem'), 'utf8');

    // A new `issue` is refused while the application is pending; nothing reaches the CA.
    const again = await run('issue', T0 + 1000);
    expect(again.output?.plan).toEqual({ action: 'refuse', code: 'STORE_PENDING_EXISTS', handleId: 'H1' });

    for (let poll = 1; poll <= 2; poll++) {
      const renew = await run('renew', T0 + poll * 3_600_000);
      expect(renew.output?.plan).toEqual({ action: 'retrieve', handleId: 'H1' });
      expect(renew.output?.outcome?.status).toBe('pending');
    }
    const store = await openStore(storeDir, { now: () => new Date(T0 + 3 * 3_600_000) });
    const pending = await store.get('site');
    expect(pending?.state).toBe('pending');
    expect(pending?.application).toMatchObject({ status: 'pending', handleId: 'H1', polls: 2 });
    expect(pending?.application?.lastPolledAt?.toISOString()).toBe(new Date(T0 + 2 * 3_600_000).toISOString());

    await approve(caDir, 'H1');
    const done = await run('renew', T0 + 4 * 3_600_000);
    expect(done.output?.outcome?.status).toBe('issued');
    const dir = join(storeDir, 'site');
    expect(await readFile(join(dir, 'privkey.pem'), 'utf8')).toBe(firstKey);
    expect(certificateMatchesPrivateKey(await readFile(join(dir, 'cert.pem'), 'utf8'), firstKey)).toBe(true);
    expect(await applications(caDir)).toHaveLength(1);
    expect((await store.get('site'))?.state).toBe('valid');
    await expectStoreInvariants(storeDir, 'site', caDir);
  });

  it('--force replaces a pending application; the abandoned key stays on disk', async () => {
    await run('issue', T0);
    const forced = await run('issue', T0 + 1000, { force: true });
    expect(forced.output?.plan).toMatchObject({ action: 'apply', reason: 'forced', replacesApplication: true });
    const state = await readState(storeDir, 'site');
    expect(state?.versions.map((version) => version.status)).toEqual(['abandoned', 'pending']);
    await expectStoreInvariants(storeDir, 'site', caDir);
  });

  it('a refused (109) application is recorded, its key retired but kept, and the live pair untouched', async () => {
    await setCaMode(caDir, 'issue');
    expect((await run('issue', T0)).output?.outcome?.status).toBe('issued');
    const liveBefore = await readFile(join(storeDir, 'site', 'cert.pem'), 'utf8');
    await setCaMode(caDir, 'refuse');
    const refused = await run('renew', T0 + 70 * DAY);
    expect(refused.output?.outcome?.status).toBe('refused');
    const store = await openStore(storeDir, { now: () => new Date(T0 + 70 * DAY) });
    const record = await store.get('site');
    expect(record?.state).toBe('failed');
    expect(record?.lastError?.code).toBe('CA_REFUSED');
    expect(record?.application).toBeUndefined();
    expect(await readFile(join(storeDir, 'site', 'cert.pem'), 'utf8')).toBe(liveBefore);
    const state = await readState(storeDir, 'site');
    const retired = state?.versions.find((version) => version.status === 'refused');
    const sent = (await applications(caDir)).at(-1);
    const retiredKey = await readFile(join(storeDir, 'site', 'versions', retired?.id ?? '', 'privkey.pem'), 'utf8');
    expect(keyMatchesCsr(retiredKey, sent?.csrPem ?? '')).toBe(true);
  });

  it('issue for a valid certificate not yet due does nothing and says so, unless forced', async () => {
    await setCaMode(caDir, 'issue');
    await run('issue', T0);
    const skipped = await run('issue', T0 + 10 * DAY);
    expect(skipped.output?.plan).toMatchObject({ action: 'skip', reason: 'not-due' });
    expect(await applications(caDir)).toHaveLength(1);
    const forced = await run('issue', T0 + 10 * DAY, { force: true });
    expect(forced.output?.outcome?.status).toBe('issued');
    expect(await applications(caDir)).toHaveLength(2);
  });
});

describe('store: one process at a time', () => {
  it('two concurrent issues for one certificate: exactly one application reaches the CA', async () => {
    await setCaMode(caDir, 'issue');
    const [a, b] = await Promise.all([run('issue', T0, { holdMs: 300 }), run('issue', T0, { holdMs: 300 })]);
    const statuses = [a.output?.outcome?.status, b.output?.outcome?.status].sort();
    expect(statuses).toEqual(['issued', 'skip']);
    expect(await applications(caDir)).toHaveLength(1);
    await expectStoreInvariants(storeDir, 'site', caDir);
  });

  it('a second process gives up after its bounded wait with STORE_LOCKED naming the holder', async () => {
    const holder = run('issue', T0, { holdMs: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    const waiter = await run('issue', T0, { waitMs: 200 });
    expect(waiter.output?.error?.code).toBe('STORE_LOCKED');
    const held = await holder;
    expect(waiter.output?.error?.message).toContain(`process ${held.pid ?? -1}`);
    expect(held.output?.outcome?.status).toBe('pending');
  });

  it('a lock left by a SIGKILLed process is recognised as stale and taken over', async () => {
    await setCaMode(caDir, 'issue');
    const killed = await runDriver({ storeDir, caDir, name: 'other', domains, command: 'issue', now: new Date(T0).toISOString() }, 'prepared');
    expect(killed.signal).toBe('SIGKILL');
    // A kill at `prepared` happens inside the locked section: the lock file is left behind.
    const lock = JSON.parse(await readFile(join(storeDir, 'other', '.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(killed.pid);
    const rerun = await runDriver({ storeDir, caDir, name: 'other', domains, command: 'issue', waitMs: 0, now: new Date(T0).toISOString() });
    expect(rerun.output?.outcome?.status).toBe('issued');
  });
});
