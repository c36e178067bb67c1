/**
 * Every CA error status 101–111, produced by a real sandbox (signfile checks against
 * a real nginx), surfaced by the built `acmapi` with its exit code and a message that
 * says what to do, in human and --json modes.
 *
 * 103 (req_type) cannot come from the CLI, which always sends `cert_apply`; it is
 * produced here by a raw request. 104, 105 and 106 are caught by the CLI before any
 * request (asserted: the sandbox saw none), and the sandbox's own answer is checked
 * with a raw request.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { openStore } from '@acmapi/core/store';
import { join } from 'node:path';
import { runOpenssl } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryToken, parseJsonOutput, rawPost, runCli } from './cli-harness.js';
import type { CliRun } from './cli-harness.js';
import { NO_SIGNFILE_DOMAIN, startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';

let world: World;
let ca: WorldSandbox;
let ipLocked: WorldSandbox;
let failing: WorldSandbox;
let weakCsrPath: string;

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox({ refuse: ['refused.acmapi.test'] });
  ipLocked = await world.sandbox({}, { allowedIps: ['192.0.2.1'] });
  failing = await world.sandbox({ faults: { unknownErrorShare: 1 } });
  const dir = join(world.temp.path, 'weak');
  await mkdir(dir);
  weakCsrPath = join(dir, 'weak.csr');
  await runOpenssl(['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', join(dir, 'weak.key'), '-subj', '/CN=weak.acmapi.test', '-addext', 'subjectAltName=DNS:weak.acmapi.test', '-out', weakCsrPath]);
});

afterAll(async () => {
  await world.stop();
});

/** Runs the same command in human and --json mode and checks both. */
async function expectFailure(
  args: string[],
  env: Record<string, string>,
  expected: { exit: number; code: string; status?: number; says: string; todo: string },
): Promise<void> {
  const human: CliRun = await runCli(args, env);
  expect(human.code).toBe(expected.exit);
  expect(human.stdout).toBe('');
  expect(human.stderr).toContain(expected.says);
  expect(human.stderr).toMatch(new RegExp(`What to do: .*${expected.todo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  const json = await runCli([...args, '--json'], env);
  expect(json.code).toBe(expected.exit);
  const result = parseJsonOutput(json);
  expect(result).toMatchObject({ status: 'error', exitCode: expected.exit, error: { code: expected.code } });
  const error = result['error'] as Record<string, unknown>;
  expect(error['status']).toBe(expected.status);
  expect(error['message']).toEqual(expect.stringContaining(expected.says.replace(/^Error: /, '')));
  expect(error['hint']).toEqual(expect.stringContaining(expected.todo));
  expect(json.stderr).toContain('What to do:');
}

function outDir(name: string): string {
  return join(world.temp.path, 'errors', name);
}

describe('CA errors through acmapi issue/retrieve', () => {
  it('101 unknown customer id: exit 4', async () => {
    await expectFailure(['issue', '-d', 'a.acmapi.test', '--out', outDir('101')], { ...ca.env, ACMAPI_CUSTOMER_ID: 'no-such-customer' }, {
      exit: 4,
      code: 'CA_CUSTOMER_ID_REJECTED',
      status: 101,
      says: 'The CA answered 101',
      todo: 'Check the customer id',
    });
  });

  it('102 wrong auth token: exit 4, and the wrong token is not printed either', async () => {
    await expectFailure(['issue', '-d', 'a.acmapi.test', '--out', outDir('102')], { ...ca.env, ACMAPI_AUTH_TOKEN: canaryToken() }, {
      exit: 4,
      code: 'CA_AUTH_TOKEN_REJECTED',
      status: 102,
      says: 'The CA answered 102',
      todo: 'Check the auth token',
    });
  });

  it('103 wrong req_type (raw request: the CLI always sends cert_apply)', async () => {
    const answer = await rawPost(ca.sandbox.url, ca.sandbox.caBundlePem, {
      customer_id: ca.customerId,
      auth_token: ca.token,
      req_type: 'cert_revoke',
      domain_name: ['a.acmapi.test'],
      csr: 'x',
    });
    expect(answer.body['status']).toBe(103);
  });

  it('104 a weak user CSR: caught before any request (exit 4); the sandbox answers 104 to it', async () => {
    const before = ca.sandbox.requests.length;
    await expectFailure(['issue', '-d', 'weak.acmapi.test', '--csr', weakCsrPath, '--out', outDir('104')], ca.env, {
      exit: 4,
      code: 'CSR_KEY_NOT_ALLOWED',
      says: 'not allowed',
      todo: 'Fix the CSR',
    });
    expect(ca.sandbox.requests.length).toBe(before);
    const answer = await rawPost(ca.sandbox.url, ca.sandbox.caBundlePem, {
      customer_id: ca.customerId,
      auth_token: ca.token,
      req_type: 'cert_apply',
      domain_name: ['weak.acmapi.test'],
      csr: await readFile(weakCsrPath, 'utf8'),
    });
    expect(answer.body['status']).toBe(104);
  });

  it('105 a wildcard domain: caught before any request (exit 4); the sandbox answers 105', async () => {
    const before = ca.sandbox.requests.length;
    await expectFailure(['issue', '-d', '*.acmapi.test', '--out', outDir('105')], ca.env, {
      exit: 4,
      code: 'DOMAIN_WILDCARD',
      says: 'is a wildcard',
      todo: 'Fix the domain list',
    });
    expect(ca.sandbox.requests.length).toBe(before);
    const answer = await rawPost(ca.sandbox.url, ca.sandbox.caBundlePem, {
      customer_id: ca.customerId,
      auth_token: ca.token,
      req_type: 'cert_apply',
      domain_name: ['*.acmapi.test'],
      csr: 'x',
    });
    expect(answer.body['status']).toBe(105);
  });

  it('106 six domains: caught before any request (exit 4); the sandbox answers 106', async () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `${l}.acmapi.test`);
    const before = ca.sandbox.requests.length;
    await expectFailure(['issue', ...six.flatMap((d) => ['-d', d]), '--out', outDir('106')], ca.env, {
      exit: 4,
      code: 'DOMAIN_TOO_MANY',
      says: 'at most 5 fit in one certificate',
      todo: 'Fix the domain list',
    });
    expect(ca.sandbox.requests.length).toBe(before);
    const answer = await rawPost(ca.sandbox.url, ca.sandbox.caBundlePem, {
      customer_id: ca.customerId,
      auth_token: ca.token,
      req_type: 'cert_apply',
      domain_name: six,
      csr: 'x',
    });
    expect(answer.body['status']).toBe(106);
  });

  it('107 nginx serves no signfile for the domain: exit 4 naming the domain', async () => {
    await expectFailure(['issue', '-d', NO_SIGNFILE_DOMAIN, '--out', outDir('107')], ca.env, {
      exit: 4,
      code: 'CA_DOMAIN_VERIFY_FAILED',
      status: 107,
      says: `The CA answered 107 (domain verify error for ${NO_SIGNFILE_DOMAIN})`,
      todo: 'serves the signfile',
    });
    const json = parseJsonOutput(await runCli(['issue', '-d', NO_SIGNFILE_DOMAIN, '--out', outDir('107'), '--json'], ca.env));
    expect((json['error'] as Record<string, unknown>)['domain']).toBe(NO_SIGNFILE_DOMAIN);
    // The request really reached nginx's second server block, which answered 404.
    expect(await world.nginx.readAccessLog()).toMatch(/GET \/\.well-known\/pki-validation\/signfile HTTP\/1\.1" 404/);
  });

  it('108 retrieve of a handle the CA does not know: exit 4, the pending application kept', async () => {
    // A store whose pending application has a handle this CA never gave out (made with openssl's key and CSR).
    const dir = join(world.temp.path, 'stale-keys');
    await mkdir(dir, { recursive: true });
    await runOpenssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'privkey.pem'), '-subj', '/CN=stale.acmapi.test', '-addext', 'subjectAltName=DNS:stale.acmapi.test', '-out', join(dir, 'csr.pem')]);
    const handleId = 'handle_00000000000000000000000000000000';
    const store = await openStore(outDir('108'));
    await store.withCertificate('stale.acmapi.test', async (certificate) => {
      const privateKeyPem = await readFile(join(dir, 'privkey.pem'), 'utf8');
      const csrPem = await readFile(join(dir, 'csr.pem'), 'utf8');
      await certificate.prepareApplication({ domains: ['stale.acmapi.test'], keyType: 'ec-p256', privateKeyPem, csrPem, endpoint: ca.sandbox.url });
      await certificate.recordPending(handleId);
    });
    await expectFailure(['retrieve', handleId, '--out', outDir('108')], ca.env, {
      exit: 4,
      code: 'CA_HANDLE_REJECTED',
      status: 108,
      says: 'The CA answered 108',
      todo: 'Check the handle',
    });
    // A 108 can come from a wrong customer id: the application and its key stay for a retry.
    const record = await store.get('stale.acmapi.test');
    expect(record).toMatchObject({ state: 'pending', application: { handleId }, lastError: { code: 'CA_HANDLE_REJECTED' } });
  });

  it('109 a domain on the refusal list: exit 4', async () => {
    await expectFailure(['issue', '-d', 'refused.acmapi.test', '--out', outDir('109')], ca.env, {
      exit: 4,
      code: 'CA_REFUSED',
      status: 109,
      says: 'The CA answered 109',
      todo: 'Contact the CA',
    });
  });

  it('110 the caller IP is not registered: exit 4', async () => {
    await expectFailure(['issue', '-d', 'a.acmapi.test', '--out', outDir('110')], ipLocked.env, {
      exit: 4,
      code: 'CA_IP_NOT_PERMITTED',
      status: 110,
      says: 'The CA answered 110',
      todo: 'registered address',
    });
  });

  it('111 unknown CA error even after retries: exit 5, retries announced', async () => {
    const args = ['issue', '-d', 'a.acmapi.test', '--out', outDir('111'), '--retries', '1'];
    await expectFailure(args, failing.env, {
      exit: 5,
      code: 'CA_UNKNOWN_ERROR',
      status: 111,
      says: 'The CA answered 111',
      todo: 'Try again later',
    });
    const run = await runCli(args, failing.env);
    expect(run.stderr).toContain('retrying in');
  });
});
