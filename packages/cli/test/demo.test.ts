/** `acmapi demo --json`: a certificate from an in-process sandbox that openssl verifies. */
import { join } from 'node:path';
import { makeTempDir, runOpenssl } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { publicKeyOfCertificate, publicKeyOfPrivateKey } from './pki-checks.js';

let temp: TempDir;

beforeAll(async () => {
  temp = await makeTempDir('acmapi-cli-demo-');
});

afterAll(async () => {
  await temp.cleanup();
});

describe('acmapi demo', () => {
  it('--json issues a certificate whose files verify with the printed openssl command', async () => {
    const run = await runCli(['demo', '--json', '--out', 'out'], {}, temp.path);
    expect(run.code).toBe(0);
    const result = parseJsonOutput(run);
    const dir = join(temp.path, 'out', 'demo.acmapi.test');
    expect(result).toMatchObject({
      status: 'issued',
      exitCode: 0,
      domains: ['demo.acmapi.test', 'www.demo.acmapi.test'],
      dir,
      files: { sandboxRoot: join(dir, 'sandbox-root.pem'), cert: join(dir, 'cert.pem'), chain: join(dir, 'chain.pem') },
      certificate: { subject: 'CN=demo.acmapi.test', sans: ['demo.acmapi.test', 'www.demo.acmapi.test'] },
    });
    const command = result['verifyCommand'] as string;
    expect(command).toBe(`openssl verify -CAfile ${join(dir, 'sandbox-root.pem')} -untrusted ${join(dir, 'chain.pem')} ${join(dir, 'cert.pem')}`);
    const verified = await runOpenssl(command.split(' ').slice(1));
    expect(verified.stdout.trim()).toBe(`${join(dir, 'cert.pem')}: OK`);
    expect(await publicKeyOfCertificate(join(dir, 'cert.pem'))).toBe(await publicKeyOfPrivateKey(join(dir, 'privkey.pem')));
  });

  it('prints the certificate, the files and the openssl command in human mode', async () => {
    const run = await runCli(['demo', '--out', 'human'], {}, temp.path);
    expect(run.code).toBe(0);
    for (const label of ['Subject:', 'SANs:', 'Issuer:', 'Valid:', 'Serial:', 'SHA-256:', 'sandbox-root.pem', 'openssl verify -CAfile']) {
      expect(run.stdout).toContain(label);
    }
  });
});
