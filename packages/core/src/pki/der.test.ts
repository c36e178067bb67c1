import { describe, expect, it } from 'vitest';
import { issueLeaf, makeIntermediate, makeRoot } from '../../test/helpers/test-ca.js';
import { BasicConstraintsExtension } from '@peculiar/x509';
import { basicConstraintsCa, decodePemBlocks, scanPemBlocks } from './der.js';
import { generatePrivateKey } from './keys.js';

describe('scanPemBlocks (RFC 7468)', () => {
  it('finds blocks in order, ignoring text between them', () => {
    const text = 'intro\n-----BEGIN A-----\nQUJD\n-----END A-----\nmiddle\n-----BEGIN B C-----\nREVG\n-----END B C-----\n';
    expect(scanPemBlocks(text)).toStrictEqual([
      { label: 'A', body: '\nQUJD\n' },
      { label: 'B C', body: '\nREVG\n' },
    ]);
  });

  it('skips a BEGIN whose next END names another label, and one without an END', () => {
    const text = '-----BEGIN A-----\nxx\n-----BEGIN B-----\nQUJD\n-----END B-----\n-----BEGIN C-----\nREVG';
    expect(scanPemBlocks(text)).toStrictEqual([{ label: 'B', body: '\nQUJD\n' }]);
  });

  it('skips labels that are not PEM labels (lower case, too long)', () => {
    const long = 'A'.repeat(65);
    expect(scanPemBlocks(`-----BEGIN a-----\nQUJD\n-----END a-----\n-----BEGIN ${long}-----\nQUJD\n-----END ${long}-----`)).toStrictEqual([]);
  });

  it.each([
    ['BEGIN lines', '-----BEGIN CERTIFICATE-----\n'],
    ['BEGIN lines with a body', '-----BEGIN A-----\nQUJD\n'],
    ['BEGIN lines each with another label', '-----BEGIN X-----\n-----END Y-----\n'],
    ['bare BEGIN prefixes', '-----BEGIN '],
  ])('finding 10: 1 MiB of %s is scanned in linear time', (_name, unit) => {
    const text = unit.repeat(Math.ceil(1_048_576 / unit.length));
    const started = performance.now();
    const blocks = decodePemBlocks(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(blocks).toStrictEqual([]);
  });
});

describe('basicConstraintsCa (RFC 5280 §4.2.1.9)', () => {
  it('finding 15: reads cA from the DER: TRUE for a CA, FALSE for a leaf, TRUE for a leaf marked CA:TRUE without keyCertSign', async () => {
    const root = await makeRoot();
    const intermediate = await makeIntermediate(root);
    const key = await generatePrivateKey('ec-p256');
    const derOf = (pem: string): Buffer => decodePemBlocks(pem)[0]?.der ?? Buffer.alloc(0);
    expect(basicConstraintsCa(derOf(intermediate.pem))).toBe(true);
    expect(basicConstraintsCa(derOf(await issueLeaf(intermediate, { publicKey: key, domains: ['a.example'] })))).toBe(false);
    const caLeaf = await issueLeaf(intermediate, { publicKey: key, domains: ['a.example'], extensionsReplaceBasicConstraints: new BasicConstraintsExtension(true) });
    expect(basicConstraintsCa(derOf(caLeaf))).toBe(true);
  });
});
