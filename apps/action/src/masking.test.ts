import { describe, expect, it } from 'vitest';
import { maskSecret, secretLines } from './masking.js';

describe('maskSecret', () => {
  it('masks a PEM whole, each body line, and its \\n-escaped form, not the armour', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nAAAALINE1\nBBBBLINE2\n-----END PRIVATE KEY-----\n';
    const masked: string[] = [];
    maskSecret((v) => masked.push(v), pem);
    expect(masked).toEqual([pem, 'AAAALINE1', 'BBBBLINE2', pem.replaceAll('\n', '\\n')]);
    expect(secretLines(pem)).toEqual(['AAAALINE1', 'BBBBLINE2']);
  });
  it('masks a one-line secret once and ignores empty ones', () => {
    const masked: string[] = [];
    maskSecret((v) => masked.push(v), 'token');
    maskSecret((v) => masked.push(v), ' ');
    maskSecret((v) => masked.push(v), undefined);
    expect(masked).toEqual(['token']);
  });
});
