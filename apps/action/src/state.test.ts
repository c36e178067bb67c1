import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptPrivateKey, encryptPrivateKey, formatState, parseState, StateError } from './state.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('state', () => {
  it('encrypts a key to PKCS#8 that only the passphrase decrypts', () => {
    const encrypted = encryptPrivateKey(key, 'right');
    expect(encrypted).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(encrypted).not.toContain(key.split('\n')[1]);
    expect(decryptPrivateKey(encrypted, 'right')).toBe(key);
    expect(() => decryptPrivateKey(encrypted, 'wrong')).toThrow(StateError);
  });

  it('round-trips a state and rejects a malformed one or one with a plaintext key', () => {
    const state = { version: 1 as const, handleId: 'h1', domains: ['a.example'], csr: 'CSR', encryptedPrivateKey: encryptPrivateKey(key, 'p'), appliedAt: '2026-01-01T00:00:00.000Z' };
    expect(parseState(formatState(state), 'x')).toEqual(state);
    expect(() => parseState('{', 'x')).toThrow(/x is not JSON; delete it/);
    expect(() => parseState(formatState({ ...state, encryptedPrivateKey: key }), 'x')).toThrow(/not an acmapi state/);
    expect(() => parseState(JSON.stringify({ ...state, version: 2 }), 'x')).toThrow(StateError);
  });
});
