import { createHash, createPublicKey, generateKeyPairSync, verify, X509Certificate as NodeX509Certificate, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueLeaf, makeRoot } from '../../test/helpers/test-ca.js';
import { generatePrivateKey } from './keys.js';
import {
  AsnConvert,
  AsnName,
  CertificationRequestInfo,
  decodePemBlocks,
  encodePem,
  encodeSigned,
  publicKeyFromSpki,
  splitDerSequences,
  splitSigned,
  subjectPublicKeyInfoOf,
  verifySigned,
} from './x509.js';

describe('PEM', () => {
  it('encodes 64-column base64 lines with a trailing newline, and decodes back', () => {
    const der = createHash('sha512').update('x').digest(); // 64 bytes → 88 base64 characters
    const pem = encodePem('TEST', Buffer.concat([der, der]));
    const lines = pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN TEST-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-2)).toBe('-----END TEST-----');
    expect(pem.endsWith('-----\n')).toBe(true);
    expect(decodePemBlocks(pem)).toEqual([{ label: 'TEST', der: Buffer.concat([der, der]) }]);
  });

  it('finds every block in order, with CRLF, other text between, and skips undecodable blocks', () => {
    const a = encodePem('A', Buffer.from([1, 2, 3]));
    const b = encodePem('B', Buffer.from([4, 5]));
    const text = `junk\r\n${a.replaceAll('\n', '\r\n')}between\n-----BEGIN C-----\n!!!\n-----END C-----\n${b}`;
    expect(decodePemBlocks(text).map((block) => [block.label, [...block.der]])).toEqual([
      ['A', [1, 2, 3]],
      ['B', [4, 5]],
    ]);
  });
});

describe('DER', () => {
  it('splits concatenated DER certificates and a signed structure into its parts', async () => {
    const root = await makeRoot();
    const leafPem = await issueLeaf(root, { publicKey: root.key, domains: ['a.example'] });
    const leafDer = decodePemBlocks(leafPem)[0]?.der ?? Buffer.alloc(0);
    const rootDer = decodePemBlocks(root.pem)[0]?.der ?? Buffer.alloc(0);
    const parts = splitDerSequences(Buffer.concat([leafDer, rootDer]));
    expect(parts).toEqual([leafDer, rootDer]);

    const signed = splitSigned(leafDer);
    expect(signed.algorithmOid).toBe('1.2.840.10045.4.3.3'); // the root is P-384: ecdsa-with-SHA384
    expect(leafDer.includes(signed.tbs)).toBe(true);
    expect(leafDer.subarray(-signed.signature.length).equals(signed.signature)).toBe(true);
    // node's own X.509 parser agrees that the root signed it.
    expect(new NodeX509Certificate(leafDer).verify(publicKeyFromSpki(root.certificate.publicKey.rawData))).toBe(true);
  });

  it('rejects bytes that are not DER sequences', () => {
    expect(() => splitDerSequences(Buffer.from([0x30, 0x05, 0x01]))).toThrow();
    expect(() => splitDerSequences(Buffer.from([0x04, 0x01, 0x00]))).toThrow();
    expect(() => splitSigned(Buffer.from([0x30, 0x00]))).toThrow();
  });
});

describe('verifySigned', () => {
  it('is true for the issuer key, false for another key, for a tampered structure, and for garbage', async () => {
    const root = await makeRoot('CN=Root', 'rsa-2048');
    const rootDer = decodePemBlocks(root.pem)[0]?.der ?? Buffer.alloc(0);
    const rootKey = publicKeyFromSpki(root.certificate.publicKey.rawData);
    expect(verifySigned(rootDer, rootKey)).toEqual({ valid: true, reason: undefined });

    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(verifySigned(rootDer, other).valid).toBe(false);

    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifySigned(rootDer, ecKey).reason).toContain('does not fit');

    const tampered = Buffer.from(rootDer);
    const at = tampered.indexOf(Buffer.from('Root'));
    tampered.write('Rout', at, 'latin1');
    expect(verifySigned(tampered, rootKey)).toMatchObject({ valid: false, reason: expect.stringContaining('does not verify') as unknown });
    expect(verifySigned(Buffer.from('garbage'), rootKey).valid).toBe(false);
  });
});

describe('subjectPublicKeyInfoOf', () => {
  /** An EC key whose x or y coordinate starts with a zero byte: the JWK must keep it (RFC 7518 §6.2.1.2). */
  function ecKeyWithLeadingZero(curve: 'P-256' | 'P-384'): KeyObject {
    for (;;) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
      const x = Buffer.from(jwk.x ?? '', 'base64url');
      const y = Buffer.from(jwk.y ?? '', 'base64url');
      if (x[0] === 0 || y[0] === 0) return privateKey;
    }
  }

  it.each(['P-256', 'P-384'] as const)('writes the same SPKI DER as node for %s keys, also when a coordinate starts with 0x00', (curve) => {
    const keys = [ecKeyWithLeadingZero(curve), generateKeyPairSync('ec', { namedCurve: curve }).privateKey];
    for (const key of keys) {
      const ours = Buffer.from(AsnConvert.serialize(subjectPublicKeyInfoOf(key)));
      expect(ours.equals(createPublicKey(key).export({ type: 'spki', format: 'der' }))).toBe(true);
      // A public key works as well as a private one.
      expect(Buffer.from(AsnConvert.serialize(subjectPublicKeyInfoOf(createPublicKey(key)))).equals(ours)).toBe(true);
    }
  });

  it('writes the same SPKI DER as node for RSA keys', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ours = Buffer.from(AsnConvert.serialize(subjectPublicKeyInfoOf(privateKey)));
    expect(ours.equals(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))).toBe(true);
  });
});

describe('encodeSigned', () => {
  it.each([
    ['rsa-2048', 'sha256'],
    ['ec-p256', 'sha256'],
    ['ec-p384', 'sha384'],
  ] as const)('%s: signs exactly the DER of the object it embeds, with %s', async (keyType, hash) => {
    const key = await generatePrivateKey(keyType);
    const info = new CertificationRequestInfo({ subject: new AsnName(), subjectPKInfo: subjectPublicKeyInfoOf(key) });
    const der = encodeSigned(info, key, keyType);
    const parts = splitSigned(der);
    expect(parts.tbs.equals(Buffer.from(AsnConvert.serialize(info)))).toBe(true);
    expect(verify(hash, parts.tbs, createPublicKey(key), parts.signature)).toBe(true);
    expect(verifySigned(der, createPublicKey(key))).toEqual({ valid: true, reason: undefined });
  });
});
