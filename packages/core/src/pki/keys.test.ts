import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CsrError } from '../errors/errors.js';
import { KEY_TYPES, type KeyType } from './key-types.js';
import {
  describeKey,
  exportPrivateKeyPem,
  generatePrivateKey,
  keyTypeOf,
  loadPrivateKey,
  parsePrivateKeyPem,
  publicKeySpkiDer,
} from './keys.js';

function pkcs8(key: ReturnType<typeof generateKeyPairSync>['privateKey']): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Asserts the call throws a CsrError with `code`, and returns it. */
function expectCsrError(fn: () => unknown, code: string): CsrError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CsrError);
    expect((error as CsrError).code).toBe(code);
    return error as CsrError;
  }
  throw new Error(`expected CsrError ${code}`);
}

function body(pem: string): string {
  return pem.split('\n').slice(1, 3).join('');
}

describe('generatePrivateKey', () => {
  // rsa-4096 is generated in csr.test.ts and crypto-openssl.test.ts; twice is enough.
  const types = KEY_TYPES.filter((keyType) => keyType !== 'rsa-4096');

  it.each(types)('%s: makes a key of that type, exported as PKCS#8 PEM that loads back', async (keyType) => {
    const key = await generatePrivateKey(keyType);
    expect(key.type).toBe('private');
    expect(keyTypeOf(key)).toBe(keyType);
    const pem = exportPrivateKeyPem(key);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    const loaded = loadPrivateKey(pem);
    expect(loaded.keyType).toBe(keyType);
    expect(publicKeySpkiDer(loaded.key).equals(publicKeySpkiDer(key))).toBe(true);
  });

  it('makes a different key each time', async () => {
    const [a, b] = await Promise.all([generatePrivateKey('ec-p256'), generatePrivateKey('ec-p256')]);
    expect(publicKeySpkiDer(a).equals(publicKeySpkiDer(b))).toBe(false);
  });

  it('rejects an unknown key type with KEY_TYPE_UNKNOWN', async () => {
    await expect(generatePrivateKey('rsa-1024' as KeyType)).rejects.toMatchObject({ code: 'KEY_TYPE_UNKNOWN' });
  });
});

describe('loadPrivateKey', () => {
  it('accepts the older PKCS#1 and SEC 1 PEM forms', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const pkcs1 = rsa.export({ type: 'pkcs1', format: 'pem' }) as string;
    const sec1 = ec.export({ type: 'sec1', format: 'pem' }) as string;
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    expect(loadPrivateKey(pkcs1).keyType).toBe('rsa-2048');
    expect(loadPrivateKey(sec1).keyType).toBe('ec-p384');
  });

  it.each([
    ['RSA 1024', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, 'RSA 1024-bit'],
    ['RSA 2560', () => generateKeyPairSync('rsa', { modulusLength: 2560 }).privateKey, 'RSA 2560-bit'],
    ['Ed25519', () => generateKeyPairSync('ed25519').privateKey, 'Ed25519'],
    ['P-521', () => generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey, 'EC P-521'],
    ['secp256k1', () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey, 'EC secp256k1'],
  ])('rejects %s with CSR_KEY_NOT_ALLOWED, saying which key and what is allowed, never the key', (_name, make, described) => {
    const pem = pkcs8(make());
    const error = expectCsrError(() => loadPrivateKey(pem), 'CSR_KEY_NOT_ALLOWED');
    expect(error.message).toContain(`is ${described},`);
    expect(error.message).toContain('RSA 2048, 3072 or 4096 bits, or ECDSA P-256 or P-384');
    expect(error.message).not.toContain(body(pem));
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it('accepts an RSA key with public exponent 3 (odd and at least 3, BR §6.1.6)', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).privateKey;
    expect(loadPrivateKey(pkcs8(key)).keyType).toBe('rsa-2048');
  });

  it('rejects text that is not a private key PEM with KEY_INVALID', () => {
    expectCsrError(() => loadPrivateKey(''), 'KEY_INVALID');
    expectCsrError(() => loadPrivateKey('hello'), 'KEY_INVALID');
    const publicPem = createPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey).export({
      type: 'spki',
      format: 'pem',
    }) as string;
    expectCsrError(() => loadPrivateKey(publicPem), 'KEY_INVALID');
  });

  it('rejects a damaged PEM with KEY_INVALID and does not echo it', () => {
    const pem = pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const lines = pem.split('\n');
    const damaged = [lines[0], 'AAAA' + (lines[1] ?? '').slice(8), ...lines.slice(2)].join('\n');
    const error = expectCsrError(() => loadPrivateKey(damaged), 'KEY_INVALID');
    expect(error.message).not.toContain((lines[2] ?? '').slice(0, 20));
  });

  it('rejects an encrypted private key with KEY_INVALID saying so', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const encrypted = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }) as string;
    const error = expectCsrError(() => parsePrivateKeyPem(encrypted), 'KEY_INVALID');
    expect(error.message).toContain('encrypted');
  });
});

describe('describeKey', () => {
  it('names algorithm and size without key material', () => {
    expect(describeKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toBe('EC P-256');
    expect(describeKey(generateKeyPairSync('ed448').publicKey)).toBe('Ed448');
  });
});
