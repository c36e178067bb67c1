import { describe, expect, it } from 'vitest';
import { ALLOWED_KEY_POLICY, ALLOWED_KEYS_TEXT, DEFAULT_KEY_TYPE, KEY_TYPES, KEY_TYPE_SPECS, isKeyType } from './key-types.js';

describe('key types', () => {
  it('lists exactly the five key types of the issue, with ec-p256 as default', () => {
    expect([...KEY_TYPES]).toEqual(['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384']);
    expect(DEFAULT_KEY_TYPE).toBe('ec-p256');
  });

  it('isKeyType accepts each key type and nothing else', () => {
    for (const keyType of KEY_TYPES) expect(isKeyType(keyType)).toBe(true);
    for (const other of ['RSA-2048', 'rsa-1024', 'ec-p521', 'ed25519', '', ' ec-p256', 2048, undefined, null]) {
      expect(isKeyType(other)).toBe(false);
    }
  });

  it('every key type is allowed by the policy (the policy and the specs agree)', () => {
    for (const keyType of KEY_TYPES) {
      const spec = KEY_TYPE_SPECS[keyType];
      if (spec.algorithm === 'rsa') {
        expect(ALLOWED_KEY_POLICY.rsa.modulusBits).toContain(spec.modulusBits);
        expect(spec.modulusBits).toBeGreaterThanOrEqual(ALLOWED_KEY_POLICY.rsa.minModulusBits);
      } else {
        expect(ALLOWED_KEY_POLICY.ec.curves).toContain(spec.curve);
      }
    }
  });

  it('pairs P-256 with SHA-256 and P-384 with SHA-384', () => {
    expect(KEY_TYPE_SPECS['ec-p256']).toMatchObject({ curve: 'P-256', hash: 'SHA-256' });
    expect(KEY_TYPE_SPECS['ec-p384']).toMatchObject({ curve: 'P-384', hash: 'SHA-384' });
  });

  it('says the allowed keys in words', () => {
    expect(ALLOWED_KEYS_TEXT).toBe('RSA 2048, 3072 or 4096 bits, or ECDSA P-256 or P-384');
  });
});
