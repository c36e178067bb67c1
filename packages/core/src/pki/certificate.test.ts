import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from '../../test/helpers/test-ca.js';
import {
  certificateMatchesPrivateKey,
  parseCertificateChain,
  verifyCertificate,
  CLOCK_SKEW_TOLERANCE_MS,
  type CertificateChain,
  type VerifyCertificateExpected,
} from './certificate.js';
import { generateKeyAndCsr } from './csr.js';
import { CertificateError } from '../errors/errors.js';
import { generatePrivateKey, loadPrivateKey } from './keys.js';
import { decodePemBlocks } from './x509.js';

const DAY = 86_400_000;

function expectCertError(fn: () => unknown, code: string): CertificateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).code).toBe(code);
    return error as CertificateError;
  }
  throw new Error(`expected CertificateError ${code}`);
}

function der(pem: string): Buffer {
  const block = decodePemBlocks(pem)[0];
  if (block === undefined) throw new Error('no PEM block');
  return block.der;
}

let root: TestIssuer;
let intermediate: TestIssuer;
let csrPem: string;
let privateKeyPem: string;
let leafPem: string;
const domains = ['a.example', 'b.example'];
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2026-04-01T00:00:00Z');
const inside = new Date('2026-02-01T00:00:00Z');

beforeAll(async () => {
  root = await makeRoot('CN=acmapi Test Root', 'ec-p384');
  // An RSA intermediate, so that both signature families are checked along the chain.
  intermediate = await makeIntermediate(root, 'CN=acmapi Test Intermediate, O=acmapi', 'rsa-2048');
  ({ csrPem, privateKeyPem } = await generateKeyAndCsr({ domains, keyType: 'ec-p256' }));
  leafPem = await issueLeaf(intermediate, {
    publicKey: loadPrivateKey(privateKeyPem).key,
    domains,
    notBefore,
    notAfter,
    serialNumber: 'c0ffee0123456789',
  });
});

function expected(overrides: Partial<VerifyCertificateExpected> = {}): VerifyCertificateExpected {
  return { csrPem, domains, now: inside, ...overrides };
}

describe('parseCertificateChain', () => {
  it('splits leaf and chain and describes the leaf as node’s own X.509 parser does', () => {
    const chain = parseCertificateChain(leafPem + intermediate.pem);
    const node = new NodeX509Certificate(der(leafPem));
    expect(chain.leaf.commonName).toBe('a.example');
    expect(chain.leaf.subject).toBe('CN=a.example');
    expect(chain.leaf.sans).toEqual(['a.example', 'b.example']);
    expect(chain.leaf.issuer).toBe(chain.chain[0]?.subject);
    expect(chain.leaf.serialNumber).toBe('c0ffee0123456789');
    expect(chain.leaf.serialNumber).toBe(node.serialNumber.toLowerCase());
    expect(chain.leaf.fingerprintSha256).toBe(node.fingerprint256);
    expect(chain.leaf.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(chain.leaf.notBefore).toEqual(notBefore);
    expect(chain.leaf.notAfter).toEqual(notAfter);
    expect(chain.chain.map((info) => info.commonName)).toEqual(['acmapi Test Intermediate']);
    expect(chain.certPem).toBe(leafPem);
    expect(chain.chainPem).toBe(intermediate.pem);
    expect(chain.fullchainPem).toBe(leafPem + intermediate.pem);
  });

  it('accepts a three-certificate bundle up to the root', () => {
    const chain = parseCertificateChain(leafPem + intermediate.pem + root.pem);
    expect(chain.chain.map((info) => info.commonName)).toEqual(['acmapi Test Intermediate', 'acmapi Test Root']);
    expect(chain.chainPem).toBe(intermediate.pem + root.pem);
  });

  it('gives an empty chainPem for a lone leaf', () => {
    const chain = parseCertificateChain(leafPem);
    expect(chain.chain).toEqual([]);
    expect(chain.chainPem).toBe('');
    expect(chain.fullchainPem).toBe(leafPem);
  });

  it('normalises PEM: CRLF, 76-column lines and text around blocks become 64-column PEM', () => {
    const base64 = der(leafPem).toString('base64');
    const wrapped = (base64.match(/.{1,76}/g) ?? []).join('\r\n');
    const messy = `Subject: a.example\r\n-----BEGIN CERTIFICATE-----\r\n${wrapped}\r\n-----END CERTIFICATE-----\r\n\r\n${intermediate.pem}`;
    const chain = parseCertificateChain(messy);
    expect(chain.certPem).toBe(leafPem);
    expect(chain.fullchainPem).toBe(leafPem + intermediate.pem);
  });

  it('accepts bare base64 of DER without PEM armour (spec §3), one or several certificates', () => {
    const bare = Buffer.concat([der(leafPem), der(intermediate.pem)]).toString('base64');
    expect(parseCertificateChain(bare).fullchainPem).toBe(leafPem + intermediate.pem);
    expect(parseCertificateChain(der(leafPem).toString('base64')).certPem).toBe(leafPem);
  });

  it('ignores other PEM blocks in the bundle', () => {
    const chain = parseCertificateChain(`${privateKeyPem}${leafPem}${intermediate.pem}`);
    expect(chain.fullchainPem).toBe(leafPem + intermediate.pem);
    expect(chain.fullchainPem).not.toContain('PRIVATE KEY');
  });

  it('gives each call its own objects: changing one result changes no later one (parsing is shared)', () => {
    for (let i = 0; i < 3; i++) {
      const result = parseCertificateChain(leafPem + intermediate.pem);
      expect(result.leaf.sans).toStrictEqual(domains);
      expect(result.leaf.notAfter.toISOString()).toBe(notAfter.toISOString());
      result.leaf.sans.push('changed.example');
      result.leaf.notAfter.setTime(0);
    }
  });

  it('rejects a bundle with no certificate with CERT_INVALID', () => {
    for (const input of ['', '   ', 'not base64 at all!', privateKeyPem, csrPem]) {
      expectCertError(() => parseCertificateChain(input), 'CERT_INVALID');
    }
  });

  it('rejects a CERTIFICATE block that does not parse, naming which one', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n';
    const error = expectCertError(() => parseCertificateChain(leafPem + broken), 'CERT_INVALID');
    expect(error.message).toContain('certificate 2');
  });

  it('rejects a chain out of order with CERT_CHAIN_INVALID', () => {
    const error = expectCertError(() => parseCertificateChain(leafPem + root.pem + intermediate.pem), 'CERT_CHAIN_INVALID');
    expect(error.message).toContain('certificate 1 (CN=a.example) names issuer');
  });

  it('rejects an issuer with the right name but another key with CERT_CHAIN_INVALID', async () => {
    const impostor = await makeIntermediate(root, intermediate.name, 'rsa-2048');
    const error = expectCertError(() => parseCertificateChain(leafPem + impostor.pem), 'CERT_CHAIN_INVALID');
    expect(error.message).toContain('is not signed by certificate 2');
  });
});

describe('verifyCertificate', () => {
  let good: CertificateChain;
  beforeAll(() => {
    good = parseCertificateChain(leafPem + intermediate.pem);
  });

  it('accepts the certificate for the CSR’s key naming every domain, inside its validity window', () => {
    expect(() => {
      verifyCertificate(good, expected());
    }).not.toThrow();
    expect(() => {
      verifyCertificate(good, expected({ domains: ['B.Example.', 'a.example'] }));
    }).not.toThrow();
    // RFC 5280 §4.1.2.5: both ends of the window are inside it.
    expect(() => {
      verifyCertificate(good, expected({ now: notAfter }));
    }).not.toThrow();
    expect(() => {
      verifyCertificate(good, expected({ now: notBefore }));
    }).not.toThrow();
  });

  it('CERT_KEY_MISMATCH: a certificate for another key is refused and not saved', async () => {
    const otherKey = await generatePrivateKey('ec-p256');
    const other = parseCertificateChain(
      (await issueLeaf(intermediate, { publicKey: otherKey, domains, notBefore, notAfter })) + intermediate.pem,
    );
    const error = expectCertError(() => {
      verifyCertificate(other, expected());
    }, 'CERT_KEY_MISMATCH');
    expect(error.message).toContain('for another key');
    expect(error.message).toContain('not saved');
  });

  it('CERT_DOMAINS_MISSING names each missing domain', async () => {
    const narrow = parseCertificateChain(
      (await issueLeaf(intermediate, { publicKey: loadPrivateKey(privateKeyPem).key, domains: ['a.example'], notBefore, notAfter })) +
        intermediate.pem,
    );
    const error = expectCertError(() => {
      verifyCertificate(narrow, expected({ domains: ['a.example', 'b.example', 'c.example'] }));
    }, 'CERT_DOMAINS_MISSING');
    expect(error.message).toContain('does not name b.example, c.example');
  });

  it('CERT_DOMAINS_MISSING: a CN alone does not count, only dNSName SANs', async () => {
    const cnOnly = parseCertificateChain(
      (await issueLeaf(intermediate, {
        publicKey: loadPrivateKey(privateKeyPem).key,
        domains: [],
        commonName: 'a.example',
        notBefore,
        notAfter,
      })) + intermediate.pem,
    );
    expect(cnOnly.leaf.sans).toEqual([]);
    expectCertError(() => {
      verifyCertificate(cnOnly, expected({ domains: ['a.example'] }));
    }, 'CERT_DOMAINS_MISSING');
  });

  it('finding 15: a leaf naming a domain beyond those requested is refused with CERT_INVALID naming it', async () => {
    const wide = parseCertificateChain(
      (await issueLeaf(intermediate, { publicKey: loadPrivateKey(privateKeyPem).key, domains: [...domains, 'www.a.example', 'evil.example'], notBefore, notAfter })) +
        intermediate.pem,
    );
    const error = expectCertError(() => {
      verifyCertificate(wide, expected());
    }, 'CERT_INVALID');
    expect(error.message).toContain('also names www.a.example, evil.example, which was not requested');
    expect(error.message).toContain('not saved');
  });

  it('finding 15: a leaf with basicConstraints CA:TRUE is refused with CERT_INVALID', async () => {
    const { BasicConstraintsExtension } = await import('@peculiar/x509');
    const caLeaf = parseCertificateChain(
      (await issueLeaf(intermediate, {
        publicKey: loadPrivateKey(privateKeyPem).key,
        domains,
        notBefore,
        notAfter,
        extensionsReplaceBasicConstraints: new BasicConstraintsExtension(true, undefined, true),
      })) + intermediate.pem,
    );
    // OpenSSL (node's `.ca`) wants keyCertSign too; this leaf has CA:TRUE without it.
    expect(new NodeX509Certificate(der(caLeaf.leaf.pem)).ca).toBe(false);
    const error = expectCertError(() => {
      verifyCertificate(caLeaf, expected());
    }, 'CERT_INVALID');
    expect(error.message).toContain('CA:TRUE');
  });

  it('finding 4: a notBefore up to the tolerated clock skew ahead passes, and says by how much', () => {
    expect(CLOCK_SKEW_TOLERANCE_MS).toBeGreaterThanOrEqual(2 * 60_000);
    expect(verifyCertificate(good, expected({ now: new Date(notBefore.getTime() - 90_000) }))).toEqual({ notYetValidMs: 90_000 });
    expect(verifyCertificate(good, expected({ now: new Date(notBefore.getTime() - CLOCK_SKEW_TOLERANCE_MS) }))).toEqual({ notYetValidMs: CLOCK_SKEW_TOLERANCE_MS });
    expect(verifyCertificate(good, expected({ now: new Date(notBefore.getTime() + 1000) }))).toEqual({ notYetValidMs: 0 });
  });

  it('CERT_EXPIRED after notAfter, CERT_NOT_YET_VALID before notBefore beyond the tolerated skew', async () => {
    expectCertError(() => {
      verifyCertificate(good, expected({ now: new Date(notAfter.getTime() + 1000) }));
    }, 'CERT_EXPIRED');
    expectCertError(() => {
      verifyCertificate(good, expected({ now: new Date(notBefore.getTime() - CLOCK_SKEW_TOLERANCE_MS - 1000) }));
    }, 'CERT_NOT_YET_VALID');
    expectCertError(() => {
      verifyCertificate(good, expected({ now: new Date(notBefore.getTime() - 1000), clockSkewToleranceMs: 0 }));
    }, 'CERT_NOT_YET_VALID');
    // And an expired certificate at the default time (now).
    const expired = parseCertificateChain(
      (await issueLeaf(intermediate, {
        publicKey: loadPrivateKey(privateKeyPem).key,
        domains,
        notBefore: new Date(Date.now() - 100 * DAY),
        notAfter: new Date(Date.now() - 10 * DAY),
      })) + intermediate.pem,
    );
    const error = expectCertError(() => {
      verifyCertificate(expired, { csrPem, domains });
    }, 'CERT_EXPIRED');
    expect(error.message).toContain(expired.leaf.notAfter.toISOString());
  });

  it('CERT_CHAIN_INVALID for a chain object that does not link', () => {
    const rootInfo = parseCertificateChain(root.pem).leaf;
    const broken: CertificateChain = { ...good, chain: [rootInfo], chainPem: rootInfo.pem, fullchainPem: good.certPem + rootInfo.pem };
    expectCertError(() => {
      verifyCertificate(broken, expected());
    }, 'CERT_CHAIN_INVALID');
  });
});

describe('certificateMatchesPrivateKey', () => {
  it('is true for the key the certificate certifies and false for another', async () => {
    const { exportPrivateKeyPem } = await import('./keys.js');
    expect(certificateMatchesPrivateKey(leafPem, privateKeyPem)).toBe(true);
    expect(certificateMatchesPrivateKey(leafPem + intermediate.pem, privateKeyPem)).toBe(true);
    expect(certificateMatchesPrivateKey(leafPem, exportPrivateKeyPem(await generatePrivateKey('ec-p256')))).toBe(false);
    expect(certificateMatchesPrivateKey(intermediate.pem, privateKeyPem)).toBe(false);
  });

  it('throws CERT_INVALID when there is no certificate', () => {
    expectCertError(() => certificateMatchesPrivateKey('', privateKeyPem), 'CERT_INVALID');
  });
});
