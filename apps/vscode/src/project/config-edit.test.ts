import { describe, expect, it } from 'vitest';
import { addCertificate, newCertificateName } from './config-edit.js';
import { checkConfigText } from './config-problems.js';

describe('adding a certificate to acmapi.json', () => {
  const text = `${JSON.stringify({ endpoint: 'https://ca.example/', customerId: 'c1', certificates: [{ name: 'site', domains: ['example.test'] }] }, null, 2)}\n`;

  it('appends it, keeps the rest, and core accepts the result', () => {
    const edited = addCertificate(text, { name: 'xn--bcher-kva.example', domains: ['xn--bcher-kva.example', 'www.example.test'] });
    const check = checkConfigText(edited);
    expect(check.problems).toEqual([]);
    expect(check.config?.certificates.map((certificate) => certificate.name)).toEqual(['site', 'xn--bcher-kva.example']);
    expect(edited.startsWith('{\n  "endpoint": "https://ca.example/",')).toBe(true);
  });

  it('makes the certificates list when there is none', () => {
    const edited = addCertificate('{\n  "endpoint": "https://ca.example/"\n}\n', { name: 'a.test', domains: ['a.test'] });
    expect(JSON.parse(edited)).toEqual({ endpoint: 'https://ca.example/', certificates: [{ name: 'a.test', domains: ['a.test'] }] });
  });

  it('names it after its first domain, unique among the names taken', () => {
    expect(newCertificateName(['a.test', 'b.test'], [])).toBe('a.test');
    expect(newCertificateName(['a.test'], ['a.test', 'a.test-2'])).toBe('a.test-3');
  });
});
