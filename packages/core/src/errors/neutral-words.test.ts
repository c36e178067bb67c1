/**
 * Core's errors carry facts and neutral advice; the words of a front end (its flags,
 * environment variables, inputs, settings and commands) belong to that front end. This
 * scans the CA table and errors really thrown by core's public functions.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '@acmapi/test-utils';
import { certificateFieldToPem } from '../client/certificate-field.js';
import { resolveClientOptions } from '../client/client-options.js';
import { parseResponse } from '../client/protocol.js';
import { toTransportError, type PostJsonOptions } from '../client/transport.js';
import { validateConfig } from '../config/validate-config.js';
import { writeIisWebConfig } from '../deploy/iis-web-config.js';
import { acquireWebrootLock } from '../deploy/webroot-lock.js';
import { normalizeDomain, normalizeDomains } from '../domains/domains.js';
import { needsRenewal } from '../lifecycle/needs-renewal.js';
import { parseCertificateChain } from '../pki/certificate.js';
import { checkCsr, checkKeyMatchesCsr, generateKeyAndCsr, parseCsr } from '../pki/csr.js';
import { parsePrivateKeyPem } from '../pki/keys.js';
import { toPkcs12 } from '../pki/pkcs12.js';
import { describeFailure, type FailureContext } from '../preflight/describe-failure.js';
import { enforcePreflight } from '../preflight/preflight.js';
import { parseResolveOverride } from '../preflight/resolve-override.js';
import type { PreflightFailureKind, PreflightResult } from '../preflight/types.js';
import { checkCertificateName } from '../store/certificate-name.js';
import { openStore } from '../store/certificate-store.js';
import { acquireLock } from '../store/lock-file.js';
import { parseStoreState } from '../store/store-state-schema.js';
import { CA_ERRORS, isAcmApiError, isPreflightError, type AcmApiError } from './errors.js';

/** A front end's words: a long flag, an environment variable, an acmapi command, a proxy variable. */
const FRONT_END_WORDS = [/(^|[\s(`'"])--[a-z]/, /ACMAPI_[A-Z]/, /\bacmapi (issue|renew|retrieve|list|check|demo|matrix|sandbox)\b/, /\b(HTTPS?|NO)_PROXY\b/];

function frontEndWordsIn(text: string): string[] {
  return FRONT_END_WORDS.filter((pattern) => pattern.test(text)).map(String);
}

function expectNeutral(error: unknown): AcmApiError {
  expect(isAcmApiError(error), `not an AcmApiError: ${String(error)}`).toBe(true);
  const e = error as AcmApiError;
  expect(frontEndWordsIn(e.message), `${e.code} message: ${e.message}`).toStrictEqual([]);
  expect(frontEndWordsIn(e.hint ?? ''), `${e.code} hint: ${e.hint ?? ''}`).toStrictEqual([]);
  return e;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('the pattern', () => {
  it('finds the words this test is about (so that it can fail)', () => {
    expect(frontEndWordsIn('pass --resolve DOMAIN:ADDRESS')).not.toStrictEqual([]);
    expect(frontEndWordsIn('Check the customer id (--customer-id or ACMAPI_CUSTOMER_ID)')).toHaveLength(2);
    expect(frontEndWordsIn('run `acmapi retrieve` to fetch it')).not.toStrictEqual([]);
    expect(frontEndWordsIn('behind a proxy, set HTTPS_PROXY')).not.toStrictEqual([]);
    expect(frontEndWordsIn('UND_ERR_CONNECT_TIMEOUT at https://acmapi.example/ (a domain xn--bcher-kva.example)')).toStrictEqual([]);
  });
});

describe('core messages and hints name no front end\'s flag, variable or command', () => {
  it('CA_ERRORS hints', () => {
    for (const info of Object.values(CA_ERRORS)) expect(frontEndWordsIn(info.hint), `${info.status}: ${info.hint}`).toStrictEqual([]);
  });

  it('CaError for every status, parsed from a CA answer', () => {
    for (const info of Object.values(CA_ERRORS)) {
      const error = expectNeutral(thrown(() => parseResponse(JSON.stringify({ result: 'error', status: info.status, other_msg: 'a.test' }), { handleId: 'h1' })));
      expect(error).toMatchObject({ code: info.code, handleId: 'h1', hint: info.hint });
    }
  });

  it('protocol errors', () => {
    for (const body of ['<html>', '[]', '{"result":"success","status":1,"handle_id":"h"}', '{"result":"pending","status":1}']) {
      expectNeutral(thrown(() => parseResponse(body)));
    }
    for (const field of ['', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'not base64!']) {
      expectNeutral(thrown(() => certificateFieldToPem(field)));
    }
  });

  it('transport errors of every kind', () => {
    const options: PostJsonOptions = {
      url: new URL('https://acmapi.example/'),
      body: '',
      dispatcher: undefined as never,
      connectTimeoutMs: 1,
      headersTimeoutMs: 2,
      bodyTimeoutMs: 3,
      maxBodyBytes: 4,
      deadlineMs: 5,
    };
    const withCode = (code: string): Error => Object.assign(new Error('fetch failed', { cause: Object.assign(new Error(code), { code }) }), { code: 'UND_ERR_SOCKET' });
    const codes = new Set<string>();
    for (const code of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'ECONNRESET']) {
      codes.add(expectNeutral(toTransportError(withCode(code), { options, answered: false })).code);
    }
    codes.add(expectNeutral(toTransportError(new Error('x'), { options: { ...options, signal: AbortSignal.abort() }, answered: false })).code);
    codes.add(expectNeutral(toTransportError(new Error('x'), { options: { ...options, deadlineSignal: AbortSignal.abort() }, answered: false })).code);
    expect([...codes].sort()).toStrictEqual(['TRANSPORT_ABORTED', 'TRANSPORT_DNS', 'TRANSPORT_FAILED', 'TRANSPORT_REFUSED', 'TRANSPORT_TIMEOUT', 'TRANSPORT_TLS']);
  });

  it('domain, option and config errors', () => {
    for (const input of ['', '*.a.test', '192.0.2.1', 'localhost', 'a..b']) expectNeutral(thrown(() => normalizeDomain(input)));
    expectNeutral(thrown(() => normalizeDomains([])));
    expectNeutral(thrown(() => normalizeDomains(['a', 'b', 'c', 'd', 'e', 'f'].map((label) => `${label}.test`))));
    for (const text of ['nocolon', 'a.test:', 'a.test:host.example', '*.a.test:192.0.2.1']) {
      const error = expectNeutral(thrown(() => parseResolveOverride(text)));
      expect(error).toMatchObject({ code: 'OPTIONS_INVALID', option: 'resolve' });
    }
    expectNeutral(thrown(() => resolveClientOptions({ customerId: 'c', authToken: ' ' })));
    expectNeutral(thrown(() => resolveClientOptions({ customerId: 'c', authToken: 't', endpoint: 'nope' })));
    expectNeutral(thrown(() => needsRenewal({ notBefore: new Date(0), notAfter: new Date(1) }, { days: -1 })));
    expectNeutral(thrown(() => validateConfig({ customerId: 'C1', authToken: 'secret', certificates: [] })));
    expectNeutral(thrown(() => checkCertificateName('Not A Name')));
    expectNeutral(thrown(() => parseStoreState('{', '/store/shop/state.json', 'shop')));
  });

  it('key, CSR and certificate errors', async () => {
    const one = await generateKeyAndCsr({ domains: ['a.test'], keyType: 'ec-p256' });
    const two = await generateKeyAndCsr({ domains: ['a.test'], keyType: 'ec-p256' });
    expectNeutral(thrown(() => parseCsr('x')));
    expectNeutral(thrown(() => checkCsr(one.csrPem, { domains: ['b.test'] })));
    expectNeutral(
      thrown(() => {
        checkKeyMatchesCsr(two.privateKeyPem, one.csrPem);
      }),
    );
    expectNeutral(thrown(() => parsePrivateKeyPem('x')));
    expectNeutral(thrown(() => parseCertificateChain('x')));
    // toPkcs12 is async (node-forge loads on first use): its refusal is a rejected promise.
    expectNeutral(await rejected(toPkcs12({ privateKeyPem: one.privateKeyPem, certPem: '', passphrase: '' })));
  });

  it('preflight failures of every kind, and the strict preflight error', () => {
    const kinds: readonly PreflightFailureKind[] = [
      'dns-no-such-name', 'dns-no-address', 'dns-error', 'connection-refused', 'timeout', 'tls-handshake', 'connection-failed',
      'http-status', 'redirect-not-allowed', 'redirect-loop', 'too-many-redirects', 'content-mismatch', 'body-too-large', 'aborted',
      'dns-servfail', 'dns-timeout', 'caa-forbids', 'caa-critical-unknown-tag', 'caa-lookup-failed', 'signfile-name-contains-token',
    ];
    const contexts: FailureContext[] = [
      ...kinds.map((kind) => ({ kind, domain: 'a.test', url: 'http://a.test/.well-known/pki-validation/signfile', address: '192.0.2.1' })),
      { kind: 'http-status', domain: 'a.test', status: 404, server: 'Microsoft-IIS/10.0' },
      { kind: 'http-status', domain: 'a.test', status: 404, localPath: '/srv/www/.well-known/pki-validation/signfile' },
      ...(['status', 'no-location', 'bad-location', 'scheme', 'port', 'lost-slash'] as const).map((reason) => ({
        kind: 'redirect-not-allowed' as const,
        domain: 'a.test',
        redirect: { reason, status: 301, location: 'https://a.test:8443/x', port: 8443, scheme: 'ftp' },
      })),
      ...(['bom', 'crlf', 'trailing-whitespace', 'html', 'empty', 'other-token', 'missing'] as const).map((kind) => ({
        kind: 'content-mismatch' as const,
        domain: 'a.test',
        content: { kind, excerpt: 'x', pass: false },
      })),
    ];
    const failures = contexts.map((context) => describeFailure(context));
    for (const failure of failures) {
      expect(frontEndWordsIn(failure.message), failure.message).toStrictEqual([]);
      expect(frontEndWordsIn(failure.hint), failure.hint).toStrictEqual([]);
    }
    const result: PreflightResult = {
      ok: false,
      mode: 'strict',
      domains: failures.map((failure, index) => ({ domain: `d${index}.test`, ok: false, addressSource: 'dns', addresses: [], warnings: [], failure })),
    };
    const error = expectNeutral(
      thrown(() => {
        enforcePreflight(result);
      }),
    );
    if (!isPreflightError(error)) throw new Error(`expected a PreflightError, got ${error.code}`);
    const remedies = error.failures.map((entry) => entry.failure?.remedy);
    expect(remedies).toContain('dns-override');
    expect(remedies).toContain('iis-web-config');
  });

  it('store and deploy errors that need files', async () => {
    await withTempDir(async (dir) => {
      const store = await openStore(join(dir, 'store'));
      const { privateKeyPem, csrPem } = await generateKeyAndCsr({ domains: ['a.test'], keyType: 'ec-p256' });
      const input = { domains: ['a.test'], keyType: 'ec-p256' as const, privateKeyPem, csrPem, endpoint: 'https://acmapi.example/' };
      for (const handleId of [undefined, 'h-7']) {
        const name = handleId === undefined ? 'prepared' : 'pending';
        const error = await rejected(
          store.withCertificate(name, async (certificate) => {
            await certificate.prepareApplication(input);
            if (handleId !== undefined) await certificate.recordPending(handleId);
            await certificate.prepareApplication(input);
          }),
        );
        expect(expectNeutral(error)).toMatchObject({ code: 'STORE_PENDING_EXISTS', certificate: name, handleId });
      }
      const lockPath = join(dir, 'site.lock');
      const held = await acquireLock(lockPath, { certificate: 'site' });
      expect(expectNeutral(await rejected(acquireLock(lockPath, { waitMs: 0, certificate: 'site' })))).toMatchObject({ code: 'STORE_LOCKED', path: lockPath, retryable: true });
      await held.release();

      const pki = join(dir, 'www', '.well-known', 'pki-validation');
      await mkdir(pki, { recursive: true });
      const webroot = await acquireWebrootLock(join(pki, '.acmapi.lock'));
      expect(expectNeutral(await rejected(acquireWebrootLock(join(pki, '.acmapi.lock'), { waitMs: 0 }))).code).toBe('DEPLOY_LOCKED');
      await webroot.release();
      await writeFile(join(pki, 'web.config'), '<configuration/>');
      expect(expectNeutral(await rejected(writeIisWebConfig(pki))).code).toBe('DEPLOY_WEB_CONFIG_EXISTS');
    });
  });
});
