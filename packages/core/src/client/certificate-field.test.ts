import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFieldToPem } from './certificate-field.js';
import { ProtocolError } from '../errors/errors.js';

// Certificates made by openssl, an independent peer, in a temp dir.
let dir: string;
let leafPem: string;
let caPem: string;

function makeCert(name: string): string {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', `/CN=${name}`, '-days', '2',
    '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`),
  ], { stdio: 'ignore' });
  return readFileSync(join(dir, `${name}.pem`), 'utf8');
}

function derBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** The certificate openssl reads back from a PEM text: its subject lines, in order. */
function opensslSubjects(pem: string): string[] {
  const file = join(dir, 'read-back.pem');
  writeFileSync(file, pem);
  const p7 = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', file]);
  const text = execFileSync('openssl', ['pkcs7', '-print_certs', '-noout'], { input: p7 }).toString();
  return text.split('\n').filter((line) => line.startsWith('subject=')).map((line) => line.trim());
}

function badCertificate(field: string): ProtocolError {
  try {
    certificateFieldToPem(field);
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('certificateFieldToPem did not throw');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'acmapi-certfield-'));
  leafPem = makeCert('leaf.example');
  caPem = makeCert('ca.example');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('certificateFieldToPem (spec §3 "certificate")', () => {
  it('keeps one PEM certificate, canonicalised', () => {
    const pem = certificateFieldToPem(` \r\n${leafPem.replace(/\n/g, '\r\n')}  `);
    expect(pem).toBe(leafPem);
    expect(opensslSubjects(pem)).toStrictEqual(['subject=CN = leaf.example']);
  });

  it('keeps a PEM bundle in order, leaf then chain, ignoring text between blocks', () => {
    const pem = certificateFieldToPem(`subject=leaf\n${leafPem}\nissuer stuff\n${caPem}`);
    expect(pem).toBe(leafPem + caPem);
    expect(opensslSubjects(pem)).toStrictEqual(['subject=CN = leaf.example', 'subject=CN = ca.example']);
  });

  it('armours bare base64 of DER with line breaks and spaces', () => {
    const bare = derBase64(leafPem).replace(/(.{50})/g, '$1\n ');
    expect(certificateFieldToPem(bare)).toBe(leafPem);
  });

  it('splits bare base64 of two DER certificates concatenated', () => {
    const both = Buffer.concat([Buffer.from(derBase64(leafPem), 'base64'), Buffer.from(derBase64(caPem), 'base64')]);
    expect(certificateFieldToPem(both.toString('base64'))).toBe(leafPem + caPem);
  });

  it('splits two base64 strings one after the other', () => {
    expect(certificateFieldToPem(`${derBase64(leafPem)}\n${derBase64(caPem)}`)).toBe(leafPem + caPem);
  });

  it.each([
    ['an empty field', '   '],
    ['plain text', 'certificate pending, please wait'],
    ['base64 of text', Buffer.from('hello world, not DER').toString('base64')],
    ['truncated DER', 'MIIB'],
    ['a PEM block without base64', '-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----'],
    ['armour without an END line', '-----BEGIN CERTIFICATE-----\nMIIB'],
  ])('rejects %s as PROTOCOL_BAD_CERTIFICATE', (_name, field) => {
    expect(badCertificate(field).code).toBe('PROTOCOL_BAD_CERTIFICATE');
  });

  it('rejects DER that is a sequence but not X.509', () => {
    // SEQUENCE { INTEGER 1 }: whole DER, but no certificate.
    const error = badCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]).toString('base64'));
    expect(error.code).toBe('PROTOCOL_BAD_CERTIFICATE');
    expect(error.message).toContain('X.509');
  });

  it('rejects a bundle holding a private key, without quoting it', () => {
    const key = readFileSync(join(dir, 'leaf.example.key'), 'utf8');
    const error = badCertificate(leafPem + key);
    expect(error.code).toBe('PROTOCOL_BAD_CERTIFICATE');
    expect(error.message).toContain('PRIVATE KEY');
    expect(error.message).not.toContain(derBase64(key).slice(0, 20));
  });
});

describe('certificateFieldToPem on hostile sizes', () => {
  it('finding 10: a 1 MiB field of PEM armour is refused at once as PROTOCOL_BAD_CERTIFICATE, not parsed for seconds', () => {
    const field = '-----BEGIN CERTIFICATE-----\n'.repeat(Math.ceil(1_048_576 / 28));
    const started = performance.now();
    const error = badCertificate(field);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('PROTOCOL_BAD_CERTIFICATE');
    expect(error.message).toContain('more than the 65536');
  });

  it('finding 10: a field just under the cap made of BEGIN lines fails in linear time', () => {
    const field = '-----BEGIN CERTIFICATE-----\n'.repeat(Math.floor(65_536 / 28));
    const started = performance.now();
    expect(badCertificate(field).message).toContain('no complete CERTIFICATE block');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('still finds a certificate after stray BEGIN lines and a block whose END names another label', () => {
    const field = `-----BEGIN CERTIFICATE-----\nnoise\n-----BEGIN X-----\nAAAA\n-----END Y-----\n${leafPem}`;
    expect(certificateFieldToPem(field)).toBe(leafPem);
  });
});
