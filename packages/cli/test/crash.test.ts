/**
 * Crash safety through the REAL command: `acmapi issue` and `acmapi renew` are SIGKILLed at
 * each step (by the test-only preload `support/crash-at.mjs`, which listens to core's durable
 * steps on `node:diagnostics_channel`, and once from outside while the CA holds its answer),
 * then run again. After every kill and every rerun the store holds no
 * key and certificate that don't match (openssl), keeps the key of every issued or pending
 * certificate, and keeps no half-written file under a final name; the rerun finishes.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli, startCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';
import { expectVerifiedFolder } from './pki-checks.js';
import { expectStoreConsistent, listFiles, readState } from './store-checks.js';

let world: World;
let ca: WorldSandbox;

// Short-lived certificates: with ACMAPI_NOW 8 minutes ahead, one issued now is due (less than a third of 11 minutes left).
const VALIDITY_SECONDS = 600;
const soon = (): string => new Date(Date.now() + 8 * 60_000).toISOString();

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox({ validitySeconds: VALIDITY_SECONDS });
});

afterAll(async () => {
  await world.stop();
});

function appliesFor(sandbox: WorldSandbox, domain: string): number {
  return sandbox.sandbox.requests.filter((r) => r.kind === 'apply' && r.domains?.includes(domain) === true).length;
}

/** Every PEM file under a final name parses: a kill never leaves a half-written one. */
async function expectNoHalfFiles(dir: string): Promise<void> {
  for (const file of await listFiles(dir).catch(() => [] as string[])) {
    const base = file.split('/').at(-1) ?? '';
    if (base.startsWith('.') || !base.endsWith('.pem')) continue;
    const path = join(dir, file);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // a top-level link whose version is not live yet
    if (base === 'privkey.pem') expect(() => createPrivateKey(text), path).not.toThrow();
    else if (base === 'csr.pem') expect(text, path).toMatch(/-----END CERTIFICATE REQUEST-----\n$/);
    else if (base === 'chain.pem' && text === '') continue;
    else expect(() => new X509Certificate(text), path).not.toThrow();
  }
}

/** The test-only preload that kills the CLI at `ACMAPI_TEST_CRASH_AT` (nothing of it ships). */
const CRASH_PRELOAD = new URL('support/crash-at.mjs', import.meta.url).href;

async function killedAt(step: string, args: string[], env: Record<string, string>): Promise<void> {
  const { ended } = startCli(args, { ...env, NODE_OPTIONS: `--import=${CRASH_PRELOAD}`, ACMAPI_TEST_CRASH_AT: step });
  const end = await ended;
  expect(end.signal, `the run should have been killed at ${step}: ${end.stderr}`).toBe('SIGKILL');
}

// Steps of a first issue, in order. `:partial` leaves a half-written temporary file, as a kill in the middle of that write would.
const ISSUE_STEPS = [
  // The certificate's settings are remembered first (issue 10), before any key exists.
  'write:state.json#1:partial',
  'key-generated',
  'write:privkey.pem:partial',
  'write:csr.pem:partial',
  'write:state.json#2:partial',
  'prepared',
  'applied',
  'write:cert.pem:partial',
  'write:chain.pem:partial',
  'write:fullchain.pem:partial',
  'write:state.json#3:partial',
  'installed',
  'live-switched',
];
// From 'prepared' on, the key and CSR are committed: the rerun must certify THAT key.
const KEY_COMMITTED = ISSUE_STEPS.indexOf('prepared');
// From 'write:state.json#3' on, the verified certificate is beside its key: the rerun finishes without the CA.
const CERTIFICATE_ON_DISK = ISSUE_STEPS.indexOf('write:state.json#3:partial');

describe('acmapi issue killed at each step, then run again', () => {
  it.each(ISSUE_STEPS.map((step, index) => ({ step, index })))('$step', async ({ step, index }) => {
    const domain = `crash-${index}.acmapi.test`;
    const out = join(world.temp.path, 'crash-issue', String(index));
    const dir = join(out, domain);
    const args = ['issue', '-d', domain, '--out', out, '--json'];
    await killedAt(step, args, ca.env);
    await expectNoHalfFiles(dir);
    if (index >= KEY_COMMITTED) await expectStoreConsistent(dir, { afterKill: true });
    const afterKill = index >= KEY_COMMITTED ? await readState(dir) : undefined;
    // The application's version: still `attempt`, or already `current` once the install was committed.
    const firstAttempt = afterKill?.attempt ?? afterKill?.current;
    if (index >= KEY_COMMITTED) expect(firstAttempt).toBeDefined();

    const rerun = await runCli(args, ca.env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(parseJsonOutput(rerun)['status']).toBe(index >= CERTIFICATE_ON_DISK ? 'not-due' : 'issued');
    await expectVerifiedFolder(dir, ca.rootPath);
    const state = await expectStoreConsistent(dir);
    if (firstAttempt !== undefined) expect(state.current, 'the certificate is for the key of the first run').toBe(firstAttempt);
    // Before the application was sent, the CA saw only the rerun's; once sent, at most one more.
    const applies = appliesFor(ca, domain);
    if (index < KEY_COMMITTED || step === 'prepared') expect(applies).toBe(1);
    else if (index >= CERTIFICATE_ON_DISK) expect(applies).toBe(1);
    else expect(applies).toBe(2);
  });

  it('killed from outside while the CA holds its answer (after the application is sent): the rerun resends the same key', async () => {
    const slow = await world.sandbox({ validitySeconds: VALIDITY_SECONDS, faults: { delayMs: 1_500 } });
    const domain = 'crash-outside.acmapi.test';
    const out = join(world.temp.path, 'crash-outside');
    const dir = join(out, domain);
    const args = ['issue', '-d', domain, '--out', out, '--json'];
    const { child, ended } = startCli(args, slow.env);
    for (let i = 0; i < 200 && !slow.sandbox.applications().some((a) => a.domains.includes(domain)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(slow.sandbox.applications().filter((a) => a.domains.includes(domain))).toHaveLength(1);
    child.kill('SIGKILL');
    expect((await ended).signal).toBe('SIGKILL');
    const attempt = (await readState(dir)).attempt;
    expect(attempt).toBeDefined();

    const rerun = await runCli(args, slow.env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('sending the same key and CSR again');
    await expectVerifiedFolder(dir, slow.rootPath);
    expect((await expectStoreConsistent(dir)).current).toBe(attempt);
    expect(appliesFor(slow, domain)).toBe(2);
  });
});

const RENEW_STEPS = ['key-generated', 'write:privkey.pem:partial', 'prepared', 'applied', 'write:cert.pem:partial', 'write:fullchain.pem:partial', 'write:state.json#2', 'installed', 'live-switched'];

describe('acmapi renew killed at each step, then run again', () => {
  let template: string;
  const domain = 'crash-renew.acmapi.test';

  beforeAll(async () => {
    template = join(world.temp.path, 'crash-renew-template');
    expect((await runCli(['issue', '-d', domain, '--out', template], ca.env)).code).toBe(0);
  });

  it.each(RENEW_STEPS.map((step, index) => ({ step, index })))('$step', async ({ step, index }) => {
    const out = join(world.temp.path, 'crash-renew', String(index));
    await cp(template, out, { recursive: true, verbatimSymlinks: true });
    const dir = join(out, domain);
    const before = await readState(dir);
    const oldKey = await readFile(join(dir, 'privkey.pem'), 'utf8');
    const env = { ...ca.env, ACMAPI_NOW: soon() };
    const args = ['renew', '--out', out, '--json'];
    await killedAt(step, args, env);
    await expectNoHalfFiles(dir);
    // Until the swap, servers still get the old pair, complete and matching.
    const afterKill = await readState(dir);
    if (afterKill.current === before.current) expect(await readFile(join(dir, 'privkey.pem'), 'utf8')).toBe(oldKey);
    await expectStoreConsistent(dir, { afterKill: true });

    const rerun = await runCli(args, env);
    expect(rerun.code, rerun.stderr).toBe(0);
    const state = await expectStoreConsistent(dir);
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(state.current).not.toBe(before.current);
    expect(await readFile(join(dir, 'privkey.pem'), 'utf8')).not.toBe(oldKey);
    // The replaced certificate's key stays in the archive.
    expect(state.versions.find((v) => v.id === before.current)?.status).toBe('archived');
    expect(await readFile(join(dir, 'versions', before.current ?? '?', 'privkey.pem'), 'utf8')).toBe(oldKey);
  });
});
