/**
 * Crash tests of the store alone: test/fixtures/store-driver.mjs (what `acmapi issue` and
 * `acmapi renew` do) is SIGKILLed at each step, then run again. After every kill the store's
 * invariants hold, and the rerun finishes with a valid certificate whose key is the live key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { certificateMatchesPrivateKey } from '../src/pki/certificate.js';
import { keyMatchesCsr } from '../src/pki/csr.js';
import {
  applications,
  expectStoreInvariants,
  makeCaDir,
  readState,
  runDriver,
  temporaryFiles,
  type DriverInput,
} from './helpers/store-harness.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const domains = ['crash.example.com', 'www.crash.example.com'];

/**
 * Every durable step of an issue, in order (`:partial` leaves a half-written temporary file),
 * with how many applications reach the CA in all: a kill before the application is sent costs
 * nothing; a kill after it but before the certificate is safely beside its key means the rerun
 * sends the same CSR again; a kill after that lets the rerun finish from disk alone.
 */
const STEPS: [step: string, applications: number][] = [
  ['key-generated', 1],
  ['write:privkey.pem:partial', 1],
  ['write:csr.pem', 1],
  ['write:state.json#1:partial', 1],
  ['prepared', 1],
  ['applied', 2],
  ['write:cert.pem:partial', 2],
  ['write:chain.pem', 2],
  ['write:fullchain.pem:partial', 2],
  ['write:state.json#2:partial', 1],
  ['installed', 1],
  ['live-switched', 1],
];

let temp: TempDir;

let input: (now: number, command: DriverInput['command']) => DriverInput;

beforeEach(async () => {
  temp = await makeTempDir('acmapi-store-crash-');
  const caDir = join(temp.path, 'ca');
  await makeCaDir(caDir);
  input = (now, command) => ({ storeDir: join(temp.path, 'store'), caDir, name: 'site', domains, command, now: new Date(now).toISOString() });
});

afterEach(async () => {
  await temp.cleanup();
});

async function expectFinishedValid(now: number): Promise<StoreState> {
  const { storeDir, caDir } = input(now, 'issue');
  await expectStoreInvariants(storeDir, 'site', caDir);
  expect(await temporaryFiles(storeDir, 'site')).toEqual([]);
  const state = await readState(storeDir, 'site');
  expect(state?.current).toBeDefined();
  expect(state?.attempt).toBeUndefined();
  const dir = join(storeDir, 'site');
  const certPem = await readFile(join(dir, 'cert.pem'), 'utf8');
  expect(certificateMatchesPrivateKey(certPem, await readFile(join(dir, 'privkey.pem'), 'utf8'))).toBe(true);
  if (state === undefined) throw new Error('no state.json');
  return state;
}

type StoreState = NonNullable<Awaited<ReturnType<typeof readState>>>;

describe('store: SIGKILL at each step of an issue', () => {
  it.each(STEPS)('killed at %s, the rerun finishes and nothing is lost or mismatched', async (step, expectedApplications) => {
    const killed = await runDriver(input(T0, 'issue'), step);
    expect(killed.signal).toBe('SIGKILL');
    await expectStoreInvariants(input(T0, 'issue').storeDir, 'site', input(T0, 'issue').caDir);

    const rerun = await runDriver(input(T0, 'issue'));
    expect(rerun.output?.error).toBeUndefined();
    const state = await expectFinishedValid(T0);
    // Every application sent used the same key: a rerun resends the prepared CSR, never a new key.
    const sent = await applications(input(T0, 'issue').caDir);
    expect(sent).toHaveLength(expectedApplications);
    const liveKey = await readFile(join(input(T0, 'issue').storeDir, 'site', 'privkey.pem'), 'utf8');
    for (const application of sent) expect(keyMatchesCsr(liveKey, application.csrPem)).toBe(true);
    expect(state.versions.filter((version) => version.status === 'live')).toHaveLength(1);
  });
});

