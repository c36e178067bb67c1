import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from '../../test/helpers/test-ca.js';
import { parseCertificateChain } from './certificate.js';
import { caIssuersUris, certificateNames, dnsNames, nameText, parseGeneralNames } from './certificate-fields.js';
import { caIssuersUrls, checkIssuer } from './chain-completion.js';
import { generatePrivateKey } from './keys.js';
import { AuthorityInfoAccessExtension, GeneralName, X509Certificate as PeculiarX509Certificate, decodePemBlocks } from './x509.js';

function derOf(pem: string): Buffer {
  const der = decodePemBlocks(pem)[0]?.der;
  if (der === undefined) throw new Error('no PEM block');
  return der;
}

// @peculiar/x509 is what read certificates before node:crypto did: the text forms must not change.
describe('certificate fields read with node:crypto, in the text forms of @peculiar/x509', () => {
  let root: TestIssuer;
  let odd: TestIssuer;
  beforeAll(async () => {
    root = await makeRoot();
    // Escapes, a multi-valued RDN, non-ASCII text, types OpenSSL names otherwise (E, 2.5.4.5), a leading space.
    odd = await makeIntermediate(root, 'CN=Foo\\, Inc+OU=x, O=Bär "q" <a>;b, E=ca@example.com, 2.5.4.5=123, DC=example, L=\\ lead');
  });

  it.each([
    ['a plain name', 'CN=acmapi Test Root, O=Org, C=DE'],
    ['an odd name', undefined],
  ])('gives subject, issuer and CN of %s exactly as @peculiar/x509 does', async (_label, name) => {
    const issuer = name === undefined ? odd : await makeRoot(name);
    const parsed = parseCertificateChain(issuer.pem).leaf;
    const peculiar = new PeculiarX509Certificate(derOf(issuer.pem));
    expect(parsed.subject).toBe(peculiar.subject);
    expect(parsed.issuer).toBe(peculiar.issuer);
    expect(parsed.commonName).toBe(peculiar.subjectName.getField('CN')[0]);
  });

  it('reads the odd name from the DER, since OpenSSL escapes it otherwise', () => {
    const der = derOf(odd.pem);
    const node = new NodeX509Certificate(der);
    expect(node.subject).toContain('\\,');
    expect(nameText(node.subject, certificateNames(der).subject)).toEqual({
      text: new PeculiarX509Certificate(der).subject,
      commonName: 'Foo, Inc',
    });
  });

  it('gives serial number (no sign-padding zero), validity and fingerprint as before', async () => {
    const key = await generatePrivateKey('ec-p256');
    const pem = await issueLeaf(root, { publicKey: key, domains: ['a.example'], serialNumber: '00ff01' });
    const parsed = parseCertificateChain(pem).leaf;
    const peculiar = new PeculiarX509Certificate(derOf(pem));
    expect(parsed.serialNumber).toBe('ff01');
    expect(parsed.notBefore).toEqual(peculiar.notBefore);
    expect(parsed.notAfter).toEqual(peculiar.notAfter);
    expect(parsed.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('lower-cases dNSName SANs in order and keeps a name with a comma in it (node quotes it)', async () => {
    const key = await generatePrivateKey('ec-p256');
    const pem = await issueLeaf(root, { publicKey: key, domains: ['B.Example', 'we,ird.example', 'a.example'] });
    const node = new NodeX509Certificate(derOf(pem));
    expect(node.subjectAltName).toContain('DNS:"we');
    expect(dnsNames(node)).toEqual(['b.example', 'we,ird.example', 'a.example']);
  });

  it('reads the caIssuers URIs of the AIA extension as @peculiar/x509 does', async () => {
    const key = await generatePrivateKey('ec-p256');
    const aia = new AuthorityInfoAccessExtension({
      caIssuers: [
        new GeneralName('url', 'http://ca.example/a,b.crt'),
        new GeneralName('url', 'ldap://ca.example/x'),
      ],
      ocsp: [new GeneralName('url', 'http://ocsp.example')],
    });
    const pem = await issueLeaf(root, { publicKey: key, domains: ['a.example'], extensions: [aia] });
    expect(caIssuersUrls(derOf(pem))).toEqual(['http://ca.example/a,b.crt', 'ldap://ca.example/x']);
    expect(caIssuersUris(new NodeX509Certificate(derOf(root.pem)))).toEqual([]);
  });

  it('checks the issuer link by name and signature', async () => {
    const other = await makeRoot('CN=another root');
    expect(checkIssuer(derOf(odd.pem), derOf(root.pem))).toBeUndefined();
    expect(checkIssuer(derOf(odd.pem), derOf(other.pem))).toBe('it is "CN=another root", not the issuer "CN=acmapi Test Root"');
  });
});

describe('parseGeneralNames', () => {
  it('splits entries, decodes quoted values, and marks what does not parse without throwing', () => {
    expect(parseGeneralNames('DNS:a.example, IP Address:::1, DNS:"x,\\"y", URI:http://u/')).toEqual([
      { type: 'DNS', value: 'a.example' },
      { type: 'IP Address', value: '::1' },
      { type: 'DNS', value: 'x,"y' },
      { type: 'URI', value: 'http://u/' },
    ]);
    expect(parseGeneralNames('DNS:"unterminated, DNS:b.example')).toEqual([
      { type: 'DNS', value: undefined },
      { type: 'DNS', value: 'b.example' },
    ]);
    expect(parseGeneralNames('garbage, DNS:"bad\\q"')).toEqual([
      { type: 'garbage', value: undefined },
      { type: 'DNS', value: undefined },
    ]);
    expect(parseGeneralNames(undefined)).toEqual([]);
  });
});
