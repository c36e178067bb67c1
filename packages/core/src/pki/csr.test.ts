import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../test/helpers/test-ca.js';
import { checkCsr, checkKeyMatchesCsr, commonNameFor, createCsr, generateKeyAndCsr, keyMatchesCsr, parseCsr } from './csr.js';
import { CsrError, DomainError, OptionsError } from '../errors/errors.js';
import { KEY_TYPES, type KeyType } from './key-types.js';
import { exportPrivateKeyPem, generatePrivateKey } from './keys.js';
import {
  AsnName,
  CertificationRequestInfo,
  Pkcs10CertificateRequest,
  decodePemBlocks,
  encodePem,
  encodeSigned,
  signingAlgorithmFor,
  splitSigned,
  subjectPublicKeyInfoOf,
  toCryptoKeyPair,
} from './x509.js';

const SIGNATURE_OIDS: Record<KeyType, string> = {
  'rsa-2048': '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  'rsa-3072': '1.2.840.113549.1.1.11',
  'rsa-4096': '1.2.840.113549.1.1.11',
  'ec-p256': '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  'ec-p384': '1.2.840.10045.4.3.3', // ecdsa-with-SHA384
};

function der(pem: string): Buffer {
  const block = decodePemBlocks(pem)[0];
  if (block === undefined) throw new Error('no PEM block');
  return block.der;
}

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

async function webcryptoCsr(
  algorithm: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | webcrypto.Algorithm,
  signing: webcrypto.Algorithm | webcrypto.EcdsaParams,
  sans: readonly string[] = ['a.example'],
): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return buildCsr({ keys, signingAlgorithm: signing, name: 'CN=a.example', sans });
}

describe('createCsr and generateKeyAndCsr', () => {
  it.each(KEY_TYPES)('%s: the CSR names CN = first domain, SAN = all domains, and carries the key type', async (keyType) => {
    const { csrPem, privateKeyPem, keyType: made } = await generateKeyAndCsr({
      domains: ['Www.Example.COM', 'example.com', 'api.example.com.'],
      keyType,
    });
    expect(made).toBe(keyType);
    expect(privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(csrPem.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    const parsed = parseCsr(csrPem);
    expect(parsed.commonName).toBe('www.example.com');
    expect(parsed.domains).toEqual(['www.example.com', 'example.com', 'api.example.com']);
    expect(parsed.keyType).toBe(keyType);
    expect(parsed.signatureValid).toBe(true);
    expect(parsed.pem).toBe(csrPem);
    expect(splitSigned(der(csrPem)).algorithmOid).toBe(SIGNATURE_OIDS[keyType]);
    expect(keyMatchesCsr(privateKeyPem, csrPem)).toBe(true);
  });

  it('defaults to ec-p256', async () => {
    const result = await generateKeyAndCsr({ domains: ['a.example'] });
    expect(result.keyType).toBe('ec-p256');
    expect(parseCsr(result.csrPem).keyType).toBe('ec-p256');
  });

  it('writes internationalised domains as A-labels and drops duplicates', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['Bücher.Example', 'xn--bcher-kva.example', 'b.example'] });
    const parsed = parseCsr(csrPem);
    expect(parsed.commonName).toBe('xn--bcher-kva.example');
    expect(parsed.domains).toEqual(['xn--bcher-kva.example', 'b.example']);
  });

  it('puts the optional subject fields into the subject', async () => {
    const privateKey = await generatePrivateKey('ec-p256');
    const csrPem = await createCsr({
      domains: ['a.example'],
      privateKey,
      subject: {
        organization: 'Example Ltd',
        organizationalUnit: 'Ops',
        country: 'DE',
        state: 'Berlin',
        locality: 'Berlin',
        emailAddress: 'ops@a.example',
      },
    });
    const subject = new Pkcs10CertificateRequest(new Uint8Array(der(csrPem))).subjectName;
    expect(subject.getField('O')).toEqual(['Example Ltd']);
    expect(subject.getField('OU')).toEqual(['Ops']);
    expect(subject.getField('C')).toEqual(['DE']);
    expect(subject.getField('ST')).toEqual(['Berlin']);
    expect(subject.getField('L')).toEqual(['Berlin']);
    expect(subject.getField('E')).toEqual(['ops@a.example']);
    expect(subject.getField('CN')).toEqual(['a.example']);
  });

  it.each(['ec-p256', 'ec-p384', 'rsa-2048'] as const)(
    '%s: writes byte for byte the CertificationRequestInfo that @peculiar/x509\'s generator writes for the same key',
    async (keyType) => {
      // The reference: the WebCrypto-based generator this module used before; the signatures differ (ECDSA is randomised), the signed bytes must not.
      const privateKey = await generatePrivateKey(keyType);
      const domains = ['www.a.example', 'a.example'];
      const subject = { country: 'DE', state: 'Berlin', locality: 'Berlin', organization: 'Example Ltd', organizationalUnit: 'Ops', emailAddress: 'ops@a.example' };
      const ours = await createCsr({ domains, privateKey, subject });
      const reference = await buildCsr({
        keys: await toCryptoKeyPair(privateKey, keyType),
        signingAlgorithm: signingAlgorithmFor(keyType),
        name: 'C=DE, ST=Berlin, L=Berlin, O=Example Ltd, OU=Ops, CN=www.a.example, E=ops@a.example',
        sans: domains,
      });
      const [ourParts, referenceParts] = [splitSigned(der(ours)), splitSigned(der(reference))];
      expect(ourParts.tbs.toString('hex')).toBe(referenceParts.tbs.toString('hex'));
      expect(ourParts.algorithmOid).toBe(referenceParts.algorithmOid);
    },
  );

  it('rejects a malformed subject field with OPTIONS_INVALID before generating a key', async () => {
    await expect(generateKeyAndCsr({ domains: ['a.example'], subject: { country: 'Germany' } })).rejects.toBeInstanceOf(
      OptionsError,
    );
    await expect(generateKeyAndCsr({ domains: ['a.example'], subject: { organization: '' } })).rejects.toBeInstanceOf(OptionsError);
  });

  it('rejects invalid domains with the DomainError of spec §4', async () => {
    await expect(generateKeyAndCsr({ domains: ['*.example.com'] })).rejects.toBeInstanceOf(DomainError);
    await expect(generateKeyAndCsr({ domains: [] })).rejects.toMatchObject({ code: 'DOMAIN_NONE' });
  });

  it('refuses to sign with a key the policy does not allow', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey;
    await expect(createCsr({ domains: ['a.example'], privateKey })).rejects.toMatchObject({ code: 'CSR_KEY_NOT_ALLOWED' });
  });
});

describe('parseCsr', () => {
  it('rejects text without a CSR block, saying what it expected', () => {
    for (const input of ['', 'hello', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n']) {
      const error = expectCsrError(() => parseCsr(input), 'CSR_INVALID');
      expect(error.message).toContain('a PEM block BEGIN CERTIFICATE REQUEST');
    }
  });

  it('gives each call its own result: changing one changes no later one (parsing is shared)', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example', 'b.example'] });
    for (let i = 0; i < 3; i++) {
      const result = parseCsr(csrPem);
      expect(result.domains).toEqual(['a.example', 'b.example']);
      result.domains.push('changed.example');
    }
  });

  it('rejects a CSR block whose content is not PKCS#10', () => {
    const pem = encodePem('CERTIFICATE REQUEST', Buffer.from('not a certificate request at all'));
    expectCsrError(() => parseCsr(pem), 'CSR_INVALID');
  });

  it('accepts the old NEW CERTIFICATE REQUEST label, CRLF line ends and text around the block', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example'] });
    const old = csrPem.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST').replaceAll('\n', '\r\n');
    const parsed = parseCsr(`Here is my CSR:\r\n${old}\r\nthanks`);
    expect(parsed.domains).toEqual(['a.example']);
    expect(parsed.pem).toBe(csrPem);
  });

  it('reads a CSR whose attributes field is left out (RFC 2986 requires it; some encoders omit it) as one without SAN', async () => {
    const privateKey = await generatePrivateKey('ec-p256');
    const info = new CertificationRequestInfo({ subject: new AsnName(), subjectPKInfo: subjectPublicKeyInfoOf(privateKey) });
    // @ts-expect-error -- the schema types the field as always there; leaving it out is the point.
    info.attributes = undefined;
    const bytes = encodeSigned(info, privateKey, 'ec-p256');
    // No [0] context tag (0xa0) between the SPKI and the end of the CertificationRequestInfo.
    const tbs = splitSigned(bytes).tbs;
    expect(tbs.subarray(-2).toString('hex')).not.toBe('a000');
    const parsed = parseCsr(encodePem('CERTIFICATE REQUEST', bytes));
    expect(parsed).toMatchObject({ commonName: undefined, domains: [], keyType: 'ec-p256', signatureValid: true });
  });

  it('uses the CN as the only domain when the CSR has no SAN', async () => {
    const pem = await webcryptoCsr({ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }, []);
    const parsed = parseCsr(pem);
    expect(parsed.commonName).toBe('a.example');
    expect(parsed.domains).toEqual(['a.example']);
  });

  it('lower-cases SAN names', async () => {
    const pem = await webcryptoCsr({ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }, ['A.Example', 'B.EXAMPLE']);
    expect(parseCsr(pem).domains).toEqual(['a.example', 'b.example']);
  });

  it.each([
    [
      'RSA 1024',
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      { name: 'RSASSA-PKCS1-v1_5' },
      'RSA 1024-bit',
    ],
    ['P-521', { name: 'ECDSA', namedCurve: 'P-521' }, { name: 'ECDSA', hash: 'SHA-512' }, 'EC P-521'],
    ['Ed25519', { name: 'Ed25519' }, { name: 'Ed25519' }, 'Ed25519'],
  ] as const)('rejects a %s CSR with CSR_KEY_NOT_ALLOWED saying which key and what is allowed', async (_name, algorithm, signing, described) => {
    const pem = await webcryptoCsr(algorithm, signing);
    const error = expectCsrError(() => parseCsr(pem), 'CSR_KEY_NOT_ALLOWED');
    expect(error.message).toContain(`The CSR's key is ${described}`);
    expect(error.message).toContain('RSA 2048, 3072 or 4096 bits, or ECDSA P-256 or P-384');
  });
});

describe('checkCsr', () => {
  it('accepts a CSR naming exactly the requested domains, in any order and case', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example', 'b.example'] });
    const parsed = checkCsr(csrPem, { domains: ['B.Example.', 'a.example'] });
    expect(parsed.domains).toEqual(['a.example', 'b.example']);
  });

  it('spells out both what the CSR lacks and what it adds', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['c.example', 'd.example'] });
    const error = expectCsrError(
      () => checkCsr(csrPem, { domains: ['a.example', 'b.example', 'd.example'] }),
      'CSR_DOMAINS_MISMATCH',
    );
    expect(error.message).toContain('the CSR lacks a.example, b.example; it also names c.example which you did not request');
  });

  it('names only what is missing when nothing is extra', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example'] });
    const error = expectCsrError(() => checkCsr(csrPem, { domains: ['a.example', 'b.example'] }), 'CSR_DOMAINS_MISMATCH');
    expect(error.message).toContain('the CSR lacks b.example.');
    expect(error.message).not.toContain('did not request');
  });

  it('names only what is extra when nothing is missing', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example', 'c.example'] });
    const error = expectCsrError(() => checkCsr(csrPem, { domains: ['a.example'] }), 'CSR_DOMAINS_MISMATCH');
    expect(error.message).toContain('the CSR names c.example which you did not request');
    expect(error.message).not.toContain('lacks');
  });

  it('counts a CN that is not among the SANs as an extra name', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const pem = await buildCsr({ keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, name: 'CN=cn.example', sans: ['a.example'] });
    const error = expectCsrError(() => checkCsr(pem, { domains: ['a.example'] }), 'CSR_DOMAINS_MISMATCH');
    expect(error.message).toContain('the CSR names cn.example which you did not request');
  });

  it('rejects a CSR altered after signing with CSR_SIGNATURE_INVALID', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example', 'c.example'] });
    const bytes = der(csrPem);
    const at = bytes.indexOf(Buffer.from('c.example'));
    expect(at).toBeGreaterThan(0);
    bytes.write('b', at, 'latin1'); // the CSR now names b.example, but was signed for c.example
    const altered = encodePem('CERTIFICATE REQUEST', bytes);
    expect(parseCsr(altered).signatureValid).toBe(false);
    expect(parseCsr(altered).domains).toEqual(['a.example', 'b.example']);
    expectCsrError(() => checkCsr(altered, { domains: ['a.example', 'b.example'] }), 'CSR_SIGNATURE_INVALID');
  });

  it('rejects a disallowed key before comparing domains', async () => {
    const pem = await webcryptoCsr({ name: 'ECDSA', namedCurve: 'P-521' }, { name: 'ECDSA', hash: 'SHA-512' });
    expectCsrError(() => checkCsr(pem, { domains: ['a.example'] }), 'CSR_KEY_NOT_ALLOWED');
  });
});

describe('keyMatchesCsr', () => {
  it('is false for another key, and checkKeyMatchesCsr says KEY_CSR_MISMATCH', async () => {
    const { csrPem, privateKeyPem } = await generateKeyAndCsr({ domains: ['a.example'] });
    const other = exportPrivateKeyPem(await generatePrivateKey('ec-p256'));
    expect(keyMatchesCsr(privateKeyPem, csrPem)).toBe(true);
    expect(keyMatchesCsr(other, csrPem)).toBe(false);
    expect(() => {
      checkKeyMatchesCsr(privateKeyPem, csrPem);
    }).not.toThrow();
    const error = expectCsrError(() => {
      checkKeyMatchesCsr(other, csrPem);
    }, 'KEY_CSR_MISMATCH');
    expect(error.message).not.toContain(other.split('\n')[1] ?? 'x');
  });

  it('throws KEY_INVALID for a private key that does not parse', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example'] });
    expectCsrError(() => keyMatchesCsr('nope', csrPem), 'KEY_INVALID');
  });
});

describe('commonNameFor (RFC 5280 ub-common-name)', () => {
  it('takes the first domain of at most 64 characters; none fits: no CN, the SANs still name every domain', async () => {
    const exactly64 = `${'b'.repeat(52)}.example.com`;
    const long = `${'a'.repeat(53)}.example.com`;
    expect(exactly64).toHaveLength(64);
    expect(long).toHaveLength(65);
    expect(commonNameFor([exactly64, 'x.example'])).toBe(exactly64);
    expect(commonNameFor([long, 'x.example'])).toBe('x.example');
    expect(commonNameFor([long])).toBeUndefined();
    const { csrPem } = await generateKeyAndCsr({ domains: [long, 'x.example'], keyType: 'ec-p256' });
    const parsed = parseCsr(csrPem);
    expect(parsed.commonName).toBe('x.example');
    expect(parsed.domains).toEqual([long, 'x.example']);
    expect(checkCsr(csrPem, { domains: [long, 'x.example'] }).commonName).toBe('x.example');
  });
});
