/**
 * The client's checks over the wire: a certificate for the wrong key is never
 * written, and every answer quirk of spec §3 still ends in a good certificate.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxQuirkOptions } from '@acmapi/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World } from './fixtures.js';
import { attemptOf } from './store-checks.js';
import { expectVerifiedFolder } from './pki-checks.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world.stop();
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('certificate checks', () => {
  it('never writes a certificate that does not certify the key (wrongKeyShare 1): exit 6', async () => {
    const ca = await world.sandbox({ faults: { wrongKeyShare: 1 } });
    const out = join(world.temp.path, 'wrong-key');
    const dir = join(out, 'wrongkey.acmapi.test');
    for (const json of [false, true]) {
      const run = await runCli(['issue', '-d', 'wrongkey.acmapi.test', '--out', out, ...(json ? ['--json'] : [])], ca.env);
      expect(run.code).toBe(6);
      expect(await exists(join(dir, 'cert.pem'))).toBe(false);
      expect(await exists(join(dir, 'fullchain.pem'))).toBe(false);
      expect(await exists(join(dir, 'chain.pem'))).toBe(false);
      expect(run.stderr).toContain('What to do:');
      if (json) {
        expect(parseJsonOutput(run)).toMatchObject({ status: 'error', exitCode: 6, error: { code: 'CERT_KEY_MISMATCH' } });
      } else {
        expect(run.stdout).toBe('');
      }
    }
  });
});

describe('deadlines', () => {
  it('--timeout ends a call the CA does not answer in time: exit 5, nothing but the key and CSR written (prepared, to resend)', async () => {
    const ca = await world.sandbox({ faults: { delayMs: 5_000 } });
    const out = join(world.temp.path, 'slow');
    const run = await runCli(['issue', '-d', 'slow.acmapi.test', '--out', out, '--timeout', '1s', '--retries', '0', '--json'], ca.env);
    expect(run.code).toBe(5);
    expect(parseJsonOutput(run)).toMatchObject({ status: 'error', exitCode: 5, error: { code: 'TRANSPORT_TIMEOUT' } });
    // The hint speaks of the flag the user has, not of core's option.
    const hint = (parseJsonOutput(run)['error'] as { hint: string }).hint;
    expect(hint).toContain('raise --timeout');
    expect(hint).not.toContain('deadlineMs');
    expect(run.stderr).toContain('What to do: The CA did not answer within --timeout');
    // The key was saved before the application went out; the next run resends the same key and CSR.
    const application = await attemptOf(join(out, 'slow.acmapi.test'));
    expect(application).toMatchObject({ status: 'prepared' });
    expect(await exists(join(out, 'slow.acmapi.test', 'versions', application?.id ?? '?', 'privkey.pem'))).toBe(true);
    expect(await exists(join(out, 'slow.acmapi.test', 'cert.pem'))).toBe(false);
  });
});

const QUIRKS: { name: string; quirks: SandboxQuirkOptions }[] = [
  { name: 'padded keys and values, bundle', quirks: { paddedKeys: true, certificateFormat: 'bundle' } },
  { name: 'status as a string, PEM leaf only', quirks: { statusAsString: true, certificateFormat: 'pem' } },
  { name: 'bare base64 DER, padded, status as string', quirks: { paddedKeys: true, statusAsString: true, certificateFormat: 'der-base64' } },
];

describe('answer quirks of spec §3', () => {
  it.each(QUIRKS)('$name ends in a good certificate with its chain', async ({ name, quirks }) => {
    const ca = await world.sandbox({ quirks });
    const out = join(world.temp.path, `quirk-${name.replace(/\W+/g, '-')}`);
    const run = await runCli(['issue', '-d', 'quirk.acmapi.test', '--out', out, '--json'], ca.env);
    expect(run.code).toBe(0);
    expect(parseJsonOutput(run)).toMatchObject({ status: 'issued', certificate: { sans: ['quirk.acmapi.test'] } });
    const dir = join(out, 'quirk.acmapi.test');
    // A leaf sent alone gets its intermediate from the leaf's AIA caIssuers URL: chain.pem is
    // the intermediate (never the root) and openssl verifies with the folder's own files.
    expect(await readFile(join(dir, 'chain.pem'), 'utf8')).toBe(await readFile(ca.intermediatePath, 'utf8'));
    await expectVerifiedFolder(dir, ca.rootPath);
    expect(run.stderr).not.toContain('chain.pem is empty');
    expect(run.stderr).not.toContain('without its chain');
  });
});
