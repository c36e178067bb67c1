/**
 * Crash tests of a renewal (see store-crash.test.ts for the issue): a certificate is issued
 * once, then for each step a copy of that store is renewed by the driver, SIGKILLed at the
 * step, and renewed again. The old pair stays live until the new pair is complete, and the
 * old version is archived with its key, still matching its certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { certificateMatchesPrivateKey } from '../src/pki/certificate.js';
import { expectStoreInvariants, makeCaDir, readState, runDriver, temporaryFiles, type DriverInput } from './helpers/store-harness.js';

const DAY = 86_400_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const T1 = T0 + 70 * DAY; // past two thirds of a 90-day lifetime: due
const domains = ['renew.example.com'];

/** The steps of a renewal where a kill could mix old and new files (the issue suite covers the rest). */
const STEPS = ['prepared', 'applied', 'write:cert.pem:partial', 'write:fullchain.pem', 'write:state.json#2:partial', 'installed', 'live-switched'];

let temp: TempDir;
let caTemplate: string;
let issued: string;

beforeAll(async () => {
  temp = await makeTempDir('acmapi-store-renew-');
  caTemplate = join(temp.path, 'ca');
  await makeCaDir(caTemplate);
  issued = join(temp.path, 'issued');
  const first = await runDriver({ storeDir: issued, caDir: caTemplate, name: 'site', domains, command: 'issue', now: new Date(T0).toISOString() });
  expect(first.output?.outcome?.status).toBe('issued');
});

afterAll(async () => {
  await temp.cleanup();
});

describe('store: SIGKILL at each step of a renewal', () => {
  it.each(STEPS)('killed at %s, the old pair stays live until the new one is complete', async (step) => {
    const storeDir = join(temp.path, step.replace(/[^a-z0-9]/gi, '_'));
    await cp(issued, storeDir, { recursive: true, verbatimSymlinks: true });
    // Each case has its own copy of the CA too, so its application log is this store's alone.
    const caDir = `${storeDir}-ca`;
    await cp(caTemplate, caDir, { recursive: true });
    const before = await readState(storeDir, 'site');
    const input: DriverInput = { storeDir, caDir, name: 'site', domains, command: 'renew', now: new Date(T1).toISOString() };

    const killed = await runDriver(input, step);
    expect(killed.signal).toBe('SIGKILL');
    await expectStoreInvariants(storeDir, 'site', caDir);

    const rerun = await runDriver(input);
    expect(rerun.output?.error).toBeUndefined();
    await expectStoreInvariants(storeDir, 'site', caDir);
    expect(await temporaryFiles(storeDir, 'site')).toEqual([]);
    const after = await readState(storeDir, 'site');
    expect(after?.attempt).toBeUndefined();
    expect(after?.current).not.toBe(before?.current);
    expect(after?.versions.find((version) => version.id === before?.current)?.status).toBe('archived');
    const dir = join(storeDir, 'site');
    const live = await readFile(join(dir, 'cert.pem'), 'utf8');
    expect(live).toBe(await readFile(join(dir, 'versions', after?.current ?? '', 'cert.pem'), 'utf8'));
    const oldDir = join(dir, 'versions', before?.current ?? '');
    expect(
      certificateMatchesPrivateKey(await readFile(join(oldDir, 'cert.pem'), 'utf8'), await readFile(join(oldDir, 'privkey.pem'), 'utf8')),
    ).toBe(true);
  });
});
