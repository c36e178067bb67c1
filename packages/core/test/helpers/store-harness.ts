/**
 * Helpers for the store's integration tests: a file-based CA for test/fixtures/store-driver.mjs,
 * running the driver as a real child process (optionally killed at a step), and the store's
 * invariants checked from the files alone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrivateKey } from 'node:crypto';
import { expect } from 'vitest';
import { certificateMatchesPrivateKey } from '../../src/pki/certificate.js';
import { keyMatchesCsr } from '../../src/pki/csr.js';
import { parseStoreState, type StoreState } from '../../src/store/store-state-schema.js';
import { makeIntermediate, makeRoot } from './test-ca.js';

const DRIVER = fileURLToPath(new URL('../fixtures/store-driver.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Makes the driver's CA folder: `ca.json` (intermediate key and certificate) and `mode`. */
export async function makeCaDir(dir: string, options: { lifetimeDays?: number; mode?: 'issue' | 'pending' | 'refuse' } = {}): Promise<void> {
  if (!existsSync(DIST)) throw new Error('store tests run the built package: run `pnpm --filter @acmapi/core build` first');
  const root = await makeRoot();
  const intermediate = await makeIntermediate(root);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'ca.json'),
    JSON.stringify({
      intermediateKeyPem: intermediate.key.export({ type: 'pkcs8', format: 'pem' }),
      intermediatePem: intermediate.pem,
      intermediateName: intermediate.name,
      keyType: intermediate.keyType,
      lifetimeDays: options.lifetimeDays ?? 90,
    }),
  );
  await setCaMode(dir, options.mode ?? 'issue');
}

/** Switches what the CA answers to new applications. */
export async function setCaMode(dir: string, mode: 'issue' | 'pending' | 'refuse'): Promise<void> {
  await writeFile(join(dir, 'mode'), mode);
}

/** Approves a pending handle. */
export async function approve(caDir: string, handleId: string): Promise<void> {
  await mkdir(join(caDir, 'approved'), { recursive: true });
  await writeFile(join(caDir, 'approved', handleId), '');
}

/** The applications that reached the CA, in order. */
export async function applications(caDir: string): Promise<{ handleId: string; csrPem: string; pid: number }[]> {
  const text = await readFile(join(caDir, 'applications.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { handleId: string; csrPem: string; pid: number });
}

/** Input of the driver, see test/fixtures/store-driver.mjs. */
export interface DriverInput {
  storeDir: string;
  caDir: string;
  name: string;
  domains: string[];
  command: 'issue' | 'renew';
  force?: boolean;
  now?: string;
  waitMs?: number;
  holdMs?: number;
}

/** How the driver ended. */
export interface DriverRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: { plan?: { action: string; reason?: string }; outcome?: { status: string; handleId?: string }; error?: { code: string; message: string } } | undefined;
  pid: number | undefined;
}

/** Runs the driver as a child process; with `killAt` it SIGKILLs itself at that step. */
export function runDriver(input: DriverInput, killAt?: string): Promise<DriverRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DRIVER], {
      env: { ...process.env, DRIVER: JSON.stringify(input), KILL_AT: killAt ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) {
        reject(new Error(`driver failed (${code}): ${stderr}`));
        return;
      }
      const line = stdout.trim().split('\n').at(-1);
      resolve({ code, signal, output: line ? (JSON.parse(line) as DriverRun['output']) : undefined, pid: child.pid });
    });
  });
}

/** Reads a certificate's `state.json`. */
export async function readState(storeDir: string, name: string): Promise<StoreState | undefined> {
  const file = join(storeDir, name, 'state.json');
  if (!existsSync(file)) return undefined;
  return parseStoreState(await readFile(file, 'utf8'), file, name);
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true });
  return entries.map((entry) => join(dir, entry));
}

/**
 * The store's promises, checked from its files at any moment (also right after a kill):
 * - the live files (through the links) are a matching key and certificate, or absent;
 * - `state.json`'s live version holds a matching key and certificate;
 * - every application that reached the CA has its private key on disk;
 * - the application in progress, if any, has its key and CSR, and they match.
 */
export async function expectStoreInvariants(storeDir: string, name: string, caDir: string): Promise<void> {
  const dir = join(storeDir, name);
  const liveCert = join(dir, 'cert.pem');
  if (existsSync(liveCert)) {
    const certPem = await readFile(liveCert, 'utf8');
    const keyPem = await readFile(join(dir, 'privkey.pem'), 'utf8');
    expect(certificateMatchesPrivateKey(certPem, keyPem), 'live cert.pem matches live privkey.pem').toBe(true);
    const fullchain = await readFile(join(dir, 'fullchain.pem'), 'utf8');
    expect(fullchain.startsWith(certPem), 'live fullchain.pem starts with live cert.pem').toBe(true);
  }
  const state = await readState(storeDir, name);
  if (state?.current !== undefined) {
    const versionDir = join(dir, 'versions', state.current);
    const certPem = await readFile(join(versionDir, 'cert.pem'), 'utf8');
    expect(certificateMatchesPrivateKey(certPem, await readFile(join(versionDir, 'privkey.pem'), 'utf8'))).toBe(true);
  }
  if (state?.attempt !== undefined) {
    const versionDir = join(dir, 'versions', state.attempt);
    const keyPem = await readFile(join(versionDir, 'privkey.pem'), 'utf8');
    expect(keyMatchesCsr(keyPem, await readFile(join(versionDir, 'csr.pem'), 'utf8'))).toBe(true);
  }
  const keys = (await filesUnder(join(dir, 'versions'))).filter((file) => file.endsWith('/privkey.pem'));
  const keyPems = await Promise.all(keys.map((file) => readFile(file, 'utf8')));
  for (const application of await applications(caDir)) {
    const kept = keyPems.some((pem) => keyMatchesCsr(pem, application.csrPem));
    expect(kept, `the key of application ${application.handleId} is still on disk`).toBe(true);
  }
  for (const pem of keyPems) createPrivateKey(pem); // no half-written key under a final name
}

/** Temporary files left in the certificate's folder. */
export async function temporaryFiles(storeDir: string, name: string): Promise<string[]> {
  return (await filesUnder(join(storeDir, name))).filter((file) => file.endsWith('.tmp'));
}
