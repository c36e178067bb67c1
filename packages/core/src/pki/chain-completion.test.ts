import { beforeAll, describe, expect, it } from 'vitest';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from '../../test/helpers/test-ca.js';
import { caIssuersUrls, checkIssuer, isSelfSigned, issuerUrlToFollow, parseIssuerBody } from './chain-completion.js';
import { generatePrivateKey } from './keys.js';
import { AuthorityInfoAccessExtension, GeneralName, decodePemBlocks } from './x509.js';

function derOf(pem: string): Buffer {
  const der = decodePemBlocks(pem)[0]?.der;
  if (der === undefined) throw new Error('no PEM block');
  return der;
}

let root: TestIssuer;
let intermediate: TestIssuer;

beforeAll(async () => {
  root = await makeRoot();
  intermediate = await makeIntermediate(root);
});

async function leafWith(aia: AuthorityInfoAccessExtension | undefined): Promise<Buffer> {
  const publicKey = await generatePrivateKey('ec-p256');
  return derOf(await issueLeaf(intermediate, { publicKey, domains: ['example.com'], ...(aia === undefined ? {} : { extensions: [aia] }) }));
}

describe('caIssuersUrls (RFC 5280 §4.2.2.1)', () => {
  it('returns the caIssuers URIs in certificate order, not the OCSP one', async () => {
    const der = await leafWith(
      new AuthorityInfoAccessExtension({
        ocsp: [new GeneralName('url', 'http://ocsp.example/')],
        caIssuers: [new GeneralName('url', 'ldap://dir.example/cn=ca'), new GeneralName('url', 'http://ca.example/int.der')],
      }),
    );
    expect(caIssuersUrls(der)).toEqual(['ldap://dir.example/cn=ca', 'http://ca.example/int.der']);
  });

  it('returns none for a certificate without AIA', async () => {
    expect(caIssuersUrls(await leafWith(undefined))).toEqual([]);
  });
});

describe('issuerUrlToFollow', () => {
  it('takes the first http: or https: URL and skips ldap:, file: and non-URLs', () => {
    expect(issuerUrlToFollow(['ldap://dir.example/', 'not a url', 'http://ca.example/a.der', 'https://ca.example/b.der'])?.href).toBe('http://ca.example/a.der');
    expect(issuerUrlToFollow(['file:///etc/passwd', 'https://ca.example/b.der'])?.href).toBe('https://ca.example/b.der');
    expect(issuerUrlToFollow(['ldap://dir.example/', 'ftp://ca.example/x'])).toBeUndefined();
  });
});

describe('parseIssuerBody', () => {
  it('accepts DER and PEM, and names what else it got', () => {
    const der = derOf(intermediate.pem);
    expect(parseIssuerBody(der).equals(der)).toBe(true);
    expect(parseIssuerBody(Buffer.from(`text before\n${intermediate.pem}`)).equals(der)).toBe(true);
    expect(() => parseIssuerBody(Buffer.from('<html>Not found</html>'))).toThrow(/neither a DER nor a PEM certificate/);
    expect(() => parseIssuerBody(Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'))).toThrow(/without a CERTIFICATE block/);
  });
});

describe('checkIssuer and isSelfSigned', () => {
  it('accepts the real issuer, refuses another CA and one with the same name but another key', async () => {
    const leaf = await leafWith(undefined);
    expect(checkIssuer(leaf, derOf(intermediate.pem))).toBeUndefined();
    expect(checkIssuer(leaf, derOf(root.pem))).toMatch(/not the issuer/);
    const impostor = await makeIntermediate(root);
    expect(checkIssuer(leaf, derOf(impostor.pem))).toMatch(/does not sign the certificate/);
    expect(isSelfSigned(derOf(root.pem))).toBe(true);
    expect(isSelfSigned(derOf(intermediate.pem))).toBe(false);
  });
});
