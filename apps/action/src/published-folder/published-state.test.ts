import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isKeyType } from '@acmapi/core';
import type { KeyType } from '@acmapi/core';
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { decryptPrivateKey, encryptPrivateKey, needsReEncryption, pbkdf2Iterations, PBKDF2_ITERATIONS } from './key-encryption.js';
import { passphraseWeakness } from './passphrase.js';
import { formatState, isEmptyState, parseState, StateError } from './published-state.js';
import type { PublishedState } from './published-state.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const RIGHT = 'right-passphrase-for-the-key';
const encrypted = encryptPrivateKey(key, RIGHT);
const csrKeyTypes: string[] = [];
const options = {
  where: 'certificates/www/acmapi-state.json',
  isKeyType,
  csrKeyType: (csr: string): KeyType => {
    csrKeyTypes.push(csr);
    if (csr === 'BROKEN') throw new Error('not a CSR');
    return 'ec-p384';
  },
};

const v2: PublishedState = {
  version: 2,
  application: {
    status: 'pending',
    handleId: 'h-2',
    domains: ['www.example.test'],
    keyType: 'ec-p256',
    csr: 'CSR',
    encryptedPrivateKey: encrypted,
    endpoint: 'https://ca.example/',
    preparedAt: '2026-01-01T00:00:00.000Z',
    pendingSince: '2026-01-01T00:00:01.000Z',
    polls: 3,
    lastPolledAt: '2026-01-02T00:00:00.000Z',
  },
  lastError: { code: 'TRANSPORT_TIMEOUT', message: 'timed out', at: '2026-01-02T00:00:00.000Z' },
  lastRetired: { status: 'refused', domains: ['old.example.test'], keyType: 'rsa-2048', handleId: 'h-1', retiredAt: '2025-12-01T00:00:00.000Z', reason: 'CA_REFUSED: no' },
};

describe('the state file', () => {
  it('round-trips version 2', () => {
    expect(parseState(formatState(v2), options)).toEqual(v2);
    expect(formatState(v2).endsWith('}\n')).toBe(true);
  });

  it('reads a version-1 file (the Action before core\'s lifecycle) as a pending application, its key type from the CSR', () => {
    const v1 = { version: 1, handleId: 'h-old', domains: ['www.example.test'], csr: 'V1 CSR', encryptedPrivateKey: encrypted, appliedAt: '2025-11-30T10:00:00.000Z' };
    expect(parseState(JSON.stringify(v1), options)).toEqual({
      version: 2,
      application: {
        status: 'pending',
        handleId: 'h-old',
        domains: ['www.example.test'],
        keyType: 'ec-p384',
        csr: 'V1 CSR',
        encryptedPrivateKey: encrypted,
        preparedAt: '2025-11-30T10:00:00.000Z',
        pendingSince: '2025-11-30T10:00:00.000Z',
        polls: 0,
      },
    });
    expect(csrKeyTypes).toContain('V1 CSR');
    expect(parseState(JSON.stringify({ ...v1, encryptedPrivateKey: undefined }), options).application?.encryptedPrivateKey).toBeUndefined();
    expect(() => parseState(JSON.stringify({ ...v1, csr: 'BROKEN' }), options)).toThrow(/holds a CSR that does not parse; delete it/);
  });

  it('refuses what is not a state, and a plaintext key in place of the encrypted one, saying how to start afresh', () => {
    expect(() => parseState('{', options)).toThrow(/certificates\/www\/acmapi-state.json is not JSON; delete it to apply afresh/);
    expect(() => parseState(JSON.stringify({ ...v2, version: 3 }), options)).toThrow(StateError);
    expect(() => parseState(JSON.stringify({ ...v2, application: { ...v2.application, encryptedPrivateKey: key } }), options)).toThrow(/not an acmapi state of version 1 or 2/);
    expect(() => parseState(JSON.stringify({ ...v2, application: { ...v2.application, handleId: undefined } }), options)).toThrow(StateError);
    expect(() => parseState(JSON.stringify({ ...v2, application: { ...v2.application, keyType: 'ed25519' } }), options)).toThrow(StateError);
    expect(() => parseState(JSON.stringify({ ...v2, lastError: { code: 'X' } }), options)).toThrow(StateError);
    expect(() => parseState(JSON.stringify({ version: 1, handleId: 'h', domains: [], csr: 'C', appliedAt: 'now' }), options)).toThrow(StateError);
  });

  it('is empty without application, error and retired application', () => {
    expect(isEmptyState({ version: 2 })).toBe(true);
    expect(isEmptyState({ version: 2, lastError: { code: 'X', message: 'x', at: '2026-01-01T00:00:00.000Z' } })).toBe(false);
  });
});

describe('the encrypted key', () => {
  it('is PKCS#8 that only the passphrase decrypts, and the message names the file, never the key', () => {
    expect(encrypted).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(encrypted).not.toContain(key.split('\n')[1]);
    expect(decryptPrivateKey(encrypted, RIGHT, 'x')).toBe(key);
    let message = '';
    try {
      decryptPrivateKey(encrypted, 'wrong', 'certificates/www/privkey.enc.pem');
    } catch (error) {
      expect(error).toBeInstanceOf(StateError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^The private key saved in certificates\/www\/privkey.enc.pem could not be decrypted/);
    expect(() => encryptPrivateKey(key, '')).toThrow(StateError);
  });

  it('finding 5: is PBKDF2-HMAC-SHA256 with at least 600,000 iterations, which openssl reads, and a weak passphrase is refused', () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(pbkdf2Iterations(encrypted)).toBe(PBKDF2_ITERATIONS);
    expect(needsReEncryption(encrypted)).toBe(false);
    // An independent peer: openssl states the scheme and decrypts with the passphrase.
    const parsed = execFileSync('openssl', ['asn1parse'], { input: encrypted }).toString();
    expect(parsed).toMatch(/PBES2[\s\S]*PBKDF2[\s\S]*INTEGER\s+:0*927C0[\s\S]*hmacWithSHA256[\s\S]*aes-256-cbc/);
    const plain = execFileSync('openssl', ['pkey', '-passin', 'env:PASS'], { input: encrypted, env: { ...process.env, PASS: RIGHT } }).toString();
    expect(createPrivateKey(plain).export({ format: 'pem', type: 'pkcs8' }).toString()).toBe(key);
    for (const weak of ['', 'abc', 'fifteen-chars!!', 'a'.repeat(40)]) {
      expect(passphraseWeakness(weak)).toBeDefined();
      expect(() => encryptPrivateKey(key, weak)).toThrow(StateError);
    }
    expect(passphraseWeakness('sixteen-chars-ok')).toBeUndefined();
  });

  it('finding 5: a key saved by an older release (2,048 iterations) still decrypts and is marked for encrypting anew', () => {
    const legacy = createPrivateKey(key).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'abc' }).toString();
    expect(pbkdf2Iterations(legacy)).toBe(2048);
    expect(needsReEncryption(legacy)).toBe(true);
    expect(decryptPrivateKey(legacy, 'abc', 'x')).toBe(key);
  });
});
