/**
 * openssl as an independent peer: it checks the keys, CSRs and certificates acmapi makes,
 * and makes some that acmapi must read the same way openssl does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, runOpenssl, type TempDir } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from './helpers/test-ca.js';
import { parseCertificateChain, verifyCertificate } from '../src/pki/certificate.js';
import { checkCsr, createCsr, generateKeyAndCsr, keyMatchesCsr, parseCsr } from '../src/pki/csr.js';
import { CsrError } from '../src/errors/errors.js';
import { KEY_TYPES, type KeyType } from '../src/pki/key-types.js';
import { loadPrivateKey } from '../src/pki/keys.js';
import { decodePemBlocks, encodePem } from '../src/pki/x509.js';

let dir: TempDir;

beforeAll(async () => {
  dir = await makeTempDir('acmapi-crypto-openssl-');
});

afterAll(async () => {
  await dir.cleanup();
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

/** What `openssl req -text` prints about the key, per key type. */
const OPENSSL_KEY_TEXT: Record<KeyType, string> = {
  'rsa-2048': 'Public-Key: (2048 bit)',
  'rsa-3072': 'Public-Key: (3072 bit)',
  'rsa-4096': 'Public-Key: (4096 bit)',
  'ec-p256': 'NIST CURVE: P-256',
  'ec-p384': 'NIST CURVE: P-384',
};

const OPENSSL_SIGNATURE: Record<KeyType, string> = {
  'rsa-2048': 'sha256WithRSAEncryption',
  'rsa-3072': 'sha256WithRSAEncryption',
  'rsa-4096': 'sha256WithRSAEncryption',
  'ec-p256': 'ecdsa-with-SHA256',
  'ec-p384': 'ecdsa-with-SHA384',
};

describe('openssl checks the keys and CSRs acmapi makes', () => {
  it.each(KEY_TYPES)('%s: openssl verifies the CSR, shows its SANs and key, and reads the private key', async (keyType) => {
    const { csrPem, privateKeyPem } = await generateKeyAndCsr({ domains: ['a.example', 'B.example', 'xn--bcher-kva.example'], keyType });
    const csrPath = await write(`${keyType}.csr.pem`, csrPem);
    const keyPath = await write(`${keyType}.key.pem`, privateKeyPem);

    const verified = await runOpenssl(['req', '-in', csrPath, '-noout', '-verify']);
    expect(verified.stdout + verified.stderr).toContain('verify OK');

    const text = (await runOpenssl(['req', '-in', csrPath, '-noout', '-text'])).stdout;
    expect(text).toContain('DNS:a.example, DNS:b.example, DNS:xn--bcher-kva.example');
    expect(text).toMatch(/Subject: CN ?= ?a\.example/);
    expect(text).toContain(OPENSSL_KEY_TEXT[keyType]);
    expect(text).toContain(`Signature Algorithm: ${OPENSSL_SIGNATURE[keyType]}`);

    // openssl reads the PKCS#8 private key, and its public half is the CSR's.
    const fromKey = (await runOpenssl(['pkey', '-in', keyPath, '-pubout'])).stdout;
    const fromCsr = (await runOpenssl(['req', '-in', csrPath, '-noout', '-pubkey'])).stdout;
    expect(fromKey).toContain('-----BEGIN PUBLIC KEY-----');
    expect(fromKey).toBe(fromCsr);
  });

  it('a first domain longer than 64 characters stays in the SANs only: openssl reads the next domain as CN, or no CN (RFC 5280 ub-common-name)', async () => {
    const long = `${'a'.repeat(55)}.example.com`; // 67 characters
    const { csrPem } = await generateKeyAndCsr({ domains: [long, 'short.example.com'], keyType: 'ec-p256' });
    const text = (await runOpenssl(['req', '-in', await write('long-cn.csr.pem', csrPem), '-noout', '-text'])).stdout;
    expect(text).toMatch(/Subject: CN ?= ?short\.example\.com/);
    expect(text).toContain(`DNS:${long}, DNS:short.example.com`);
    const alone = await generateKeyAndCsr({ domains: [long], keyType: 'ec-p256' });
    const path = await write('long-only.csr.pem', alone.csrPem);
    const verified = await runOpenssl(['req', '-in', path, '-noout', '-verify']);
    expect(verified.stdout + verified.stderr).toContain('verify OK');
    const subject = (await runOpenssl(['req', '-in', path, '-noout', '-subject'])).stdout;
    expect(subject).not.toContain('CN');
    expect((await runOpenssl(['req', '-in', path, '-noout', '-text'])).stdout).toContain(`DNS:${long}`);
  });

  it('openssl refuses the CSR acmapi also calls altered after signing', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example', 'c.example'] });
    const der = decodePemBlocks(csrPem)[0]?.der ?? Buffer.alloc(0);
    der.write('b', der.indexOf(Buffer.from('c.example')), 'latin1');
    const altered = encodePem('CERTIFICATE REQUEST', der);
    const result = await runOpenssl(['req', '-in', await write('altered.csr.pem', altered), '-noout', '-verify'], {
      allowFailure: true,
    });
    expect(result.stdout + result.stderr).not.toContain('verify OK');
    expect(parseCsr(altered).signatureValid).toBe(false);
  });
});

/** `openssl genpkey` arguments for each key type. */
const GENPKEY_ARGS: Record<KeyType, string[]> = {
  'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-3072': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  'rsa-4096': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'],
  'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
};

describe('openssl checks the CSRs acmapi signs with a key openssl made', () => {
  it.each(KEY_TYPES)(
    '%s: openssl verifies the CSR, shows its SANs, and reads each subject field with its RFC 5280 string type, unescaped',
    async (keyType) => {
      const keyPath = join(dir.path, `genpkey-${keyType}.key.pem`);
      await runOpenssl(['genpkey', ...GENPKEY_ARGS[keyType], '-out', keyPath]);
      const { key } = loadPrivateKey(await readFile(keyPath, 'utf8'));
      const csrPem = await createCsr({
        domains: ['www.a.example', 'a.example', 'Bücher.example'],
        privateKey: key,
        // Quotes, a backslash and a leading # are plain characters here, not DN-string syntax.
        subject: { country: 'DE', locality: 'Berlin', organization: 'Bücher & Co "x" \\y', organizationalUnit: '#Ops', emailAddress: 'ops@a.example' },
      });
      const csrPath = await write(`given-key-${keyType}.csr.pem`, csrPem);

      const result = await runOpenssl(['req', '-in', csrPath, '-noout', '-verify', '-text', '-nameopt', 'utf8,sep_comma_plus_space,show_type']);
      expect(result.stderr + result.stdout).toContain('verify OK');
      expect(result.stdout).toContain('DNS:www.a.example, DNS:a.example, DNS:xn--bcher-kva.example');
      expect(result.stdout).toContain(
        'Subject: C=PRINTABLESTRING:DE, L=PRINTABLESTRING:Berlin, O=UTF8STRING:Bücher & Co "x" \\y, OU=UTF8STRING:#Ops, ' +
          'CN=PRINTABLESTRING:www.a.example, emailAddress=IA5STRING:ops@a.example\n',
      );
      expect(result.stdout).toContain(OPENSSL_KEY_TEXT[keyType]);
      expect(result.stdout).toContain(`Signature Algorithm: ${OPENSSL_SIGNATURE[keyType]}`);
      // The CSR carries openssl's key, exactly as openssl writes its public half.
      const fromKey = (await runOpenssl(['pkey', '-in', keyPath, '-pubout'])).stdout;
      const fromCsr = (await runOpenssl(['req', '-in', csrPath, '-noout', '-pubkey'])).stdout;
      expect(fromCsr).toBe(fromKey);
    },
  );
});

describe('acmapi reads the keys and CSRs openssl makes', () => {
  it('accepts an openssl P-256 CSR with SANs and matches it to openssl’s key', async () => {
    const keyPath = join(dir.path, 'ossl-p256.key.pem');
    const csrPath = join(dir.path, 'ossl-p256.csr.pem');
    await runOpenssl([
      'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath,
      '-subj', '/CN=a.example', '-addext', 'subjectAltName=DNS:a.example,DNS:b.example', '-out', csrPath,
    ]);
    const csrPem = await readFile(csrPath, 'utf8');
    const keyPem = await readFile(keyPath, 'utf8');
    const parsed = checkCsr(csrPem, { domains: ['b.example', 'a.example'] });
    expect(parsed).toMatchObject({ commonName: 'a.example', domains: ['a.example', 'b.example'], keyType: 'ec-p256', signatureValid: true });
    expect(loadPrivateKey(keyPem).keyType).toBe('ec-p256');
    expect(keyMatchesCsr(keyPem, csrPem)).toBe(true);
  });

  it.each([
    ['RSA 1024', ['-newkey', 'rsa:1024'], 'RSA 1024-bit'],
    ['Ed25519', ['-newkey', 'ed25519'], 'Ed25519'],
    ['P-521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'], 'EC P-521'],
  ])('refuses an openssl %s CSR with CSR_KEY_NOT_ALLOWED', async (name, keyArgs, described) => {
    const csrPath = join(dir.path, `ossl-${name.replace(/\W/g, '')}.csr.pem`);
    await runOpenssl([
      'req', '-new', ...keyArgs, '-nodes', '-keyout', join(dir.path, `ossl-${name.replace(/\W/g, '')}.key.pem`),
      '-subj', '/CN=a.example', '-out', csrPath,
    ]);
    const csrPem = await readFile(csrPath, 'utf8');
    expect(() => parseCsr(csrPem)).toThrow(CsrError);
    expect(() => parseCsr(csrPem)).toThrow(`The CSR's key is ${described}`);
  });
});

describe('openssl checks certificate chains, fingerprints and serials', () => {
  let root: TestIssuer;
  let intermediate: TestIssuer;

  beforeAll(async () => {
    root = await makeRoot('CN=acmapi Test Root', 'ec-p384');
    intermediate = await makeIntermediate(root, 'CN=acmapi Test Intermediate', 'rsa-2048');
  });

  it.each([
    ['high-bit serial', 'f1e2d3c4b5a69788'],
    ['low serial', '0102'],
  ])('a chain signed by the test CA verifies with openssl verify, and the fingerprint and serial agree (%s)', async (_name, serialNumber) => {
    const { csrPem, privateKeyPem } = await generateKeyAndCsr({ domains: ['a.example', 'b.example'] });
    const leafPem = await issueLeaf(intermediate, { publicKey: loadPrivateKey(privateKeyPem).key, domains: ['a.example', 'b.example'], serialNumber });
    const chain = parseCertificateChain(leafPem + intermediate.pem);
    verifyCertificate(chain, { csrPem, domains: ['a.example', 'b.example'] });

    const rootPath = await write('root.pem', root.pem);
    const chainPath = await write(`chain-${serialNumber}.pem`, chain.chainPem);
    const certPath = await write(`cert-${serialNumber}.pem`, chain.certPem);
    const verified = await runOpenssl(['verify', '-CAfile', rootPath, '-untrusted', chainPath, certPath]);
    expect(verified.stdout).toContain(`${certPath}: OK`);
    // Without the chain openssl cannot build the path: it really checks the links.
    const unlinked = await runOpenssl(['verify', '-CAfile', rootPath, certPath], { allowFailure: true });
    expect(unlinked.status).not.toBe(0);

    const fingerprint = (await runOpenssl(['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256'])).stdout.trim();
    expect(fingerprint.split('=')[1]).toBe(chain.leaf.fingerprintSha256);
    const serial = (await runOpenssl(['x509', '-in', certPath, '-noout', '-serial'])).stdout.trim();
    expect(serial.split('=')[1]?.toLowerCase()).toBe(chain.leaf.serialNumber);
    expect(chain.leaf.serialNumber).toBe(serialNumber);
  });

  it('a chain openssl signs is read and checked by acmapi as openssl describes it', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains: ['a.example', 'b.example'], keyType: 'ec-p384' });
    const csrPath = await write('for-ossl.csr.pem', csrPem);
    const caKey = join(dir.path, 'ossl-ca.key.pem');
    const caCert = join(dir.path, 'ossl-ca.pem');
    const leafCert = join(dir.path, 'ossl-leaf.pem');
    const extPath = await write('leaf.ext', 'subjectAltName=DNS:a.example,DNS:b.example\nbasicConstraints=critical,CA:FALSE\n');
    await runOpenssl([
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-subj', '/CN=openssl Test CA', '-days', '2', '-out', caCert,
    ]);
    await runOpenssl([
      'x509', '-req', '-in', csrPath, '-CA', caCert, '-CAkey', caKey, '-set_serial', '0x00ab12cd34', '-days', '1',
      '-extfile', extPath, '-out', leafCert,
    ]);
    const bundle = (await readFile(leafCert, 'utf8')) + (await readFile(caCert, 'utf8'));
    const chain = parseCertificateChain(bundle);
    verifyCertificate(chain, { csrPem, domains: ['a.example', 'b.example'] });
    expect(chain.leaf.sans).toEqual(['a.example', 'b.example']);
    expect(chain.leaf.issuer).toBe('CN=openssl Test CA');
    expect(chain.leaf.serialNumber).toBe('ab12cd34');
    const fingerprint = (await runOpenssl(['x509', '-in', leafCert, '-noout', '-fingerprint', '-sha256'])).stdout.trim();
    expect(fingerprint.split('=')[1]).toBe(chain.leaf.fingerprintSha256);
    const enddate = (await runOpenssl(['x509', '-in', leafCert, '-noout', '-enddate'])).stdout.trim();
    expect(new Date(enddate.split('=')[1] ?? '').getTime()).toBe(chain.leaf.notAfter.getTime());
  });
});
