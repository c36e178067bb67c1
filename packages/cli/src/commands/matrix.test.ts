import { describe, expect, it } from 'vitest';
import { buildMatrix, MAX_MATRIX_JOBS } from './matrix.js';

const config = {
  certificates: [
    { name: 'www', domains: ['example.com', 'www.example.com'] },
    { name: 'api', domains: ['api.example.com'] },
  ],
};

describe('buildMatrix', () => {
  it('gives one include entry per certificate, domains comma-separated, in config order', () => {
    expect(buildMatrix(config)).toEqual({ include: [{ name: 'www', domains: 'example.com,www.example.com' }, { name: 'api', domains: 'api.example.com' }] });
  });
  it('selects by name and rejects unknown names', () => {
    expect(buildMatrix(config, { names: ['api'] }).include.map((e) => e.name)).toEqual(['api']);
    expect(() => buildMatrix(config, { names: ['nope'] })).toThrow(/no certificate named "nope"/);
  });
  it('refuses an empty matrix and one beyond the job limit', () => {
    expect(() => buildMatrix({ certificates: [] })).toThrow(/empty/);
    const many = { certificates: Array.from({ length: MAX_MATRIX_JOBS + 1 }, (_, i) => ({ name: `c${i}`, domains: [`c${i}.example.com`] })) };
    expect(() => buildMatrix(many)).toThrow(/allows 256/);
  });
});
