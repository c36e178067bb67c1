import { describe, expect, it } from 'vitest';
import type { PreflightResult, SchemeOutcome } from '@acmapi/core';
import { preflightAnnotation, preflightProblems } from './preflight-report.js';

const refused = { kind: 'connection-refused', message: 'www.example.com at 2001:db8::1: http://www.example.com/.well-known/pki-validation/signfile was refused (ECONNREFUSED): nothing listens there.', hint: 'Start the web server.', address: '2001:db8::1' } as const;
const notFound = { kind: 'http-status', status: 404, message: 'www.example.com at 2001:db8::1: https://… answered 404.', hint: 'Put the signfile there.', address: '2001:db8::1' } as const;
const ok: SchemeOutcome = { scheme: 'http', url: 'http://www.example.com/.well-known/pki-validation/signfile', ok: true, hops: [] };

// A result as core's preflight gives it: one domain passing, one failing on its second address (https only
// tried after http was refused), one whose DNS failed.
const result: PreflightResult = {
  ok: false,
  mode: 'strict',
  domains: [
    { domain: 'example.com', ok: true, addressSource: 'dns', addresses: [{ address: '192.0.2.1', family: 4, ok: true, schemes: [ok] }], warnings: [] },
    {
      domain: 'www.example.com',
      ok: false,
      addressSource: 'dns',
      addresses: [
        { address: '192.0.2.1', family: 4, ok: true, schemes: [ok] },
        {
          address: '2001:db8::1',
          family: 6,
          ok: false,
          schemes: [
            { scheme: 'http', url: 'http://…', ok: false, hops: [], failure: refused },
            { scheme: 'https', url: 'https://…', ok: false, hops: [], failure: notFound },
          ],
        },
      ],
      failure: { ...refused, message: `${refused.message} 1 of 2 addresses fail (2001:db8::1).` },
      warnings: [],
    },
    {
      domain: 'gone.example.com',
      ok: false,
      addressSource: 'dns',
      addresses: [],
      failure: { kind: 'dns-no-such-name', message: 'gone.example.com does not exist in DNS (ENOTFOUND).', hint: 'Create the A/AAAA records.' },
      warnings: [],
    },
  ],
};

describe('preflightProblems', () => {
  it('names each failing domain with the failing address, its first failed scheme and core\'s reason', () => {
    expect(preflightProblems(result)).toEqual([
      { domain: 'www.example.com', address: '2001:db8::1', scheme: 'http', kind: 'connection-refused', message: `${refused.message} 1 of 2 addresses fail (2001:db8::1).`, hint: 'Start the web server.' },
      { domain: 'gone.example.com', kind: 'dns-no-such-name', message: 'gone.example.com does not exist in DNS (ENOTFOUND).', hint: 'Create the A/AAAA records.' },
    ]);
  });

  it('has no problem for a result that passed', () => {
    expect(preflightProblems({ ok: true, mode: 'warn', domains: result.domains.slice(0, 1) })).toEqual([]);
  });
});

describe('preflightAnnotation', () => {
  it('titles with domain, bracketed IPv6 address and scheme; the message ends with the hint', () => {
    const annotations = preflightProblems(result).map((problem) => preflightAnnotation(problem));
    expect(annotations).toEqual([
      { title: 'Signfile preflight failed for www.example.com at [2001:db8::1] over http', message: `${refused.message} 1 of 2 addresses fail (2001:db8::1). Start the web server.` },
      { title: 'Signfile preflight failed for gone.example.com', message: 'gone.example.com does not exist in DNS (ENOTFOUND). Create the A/AAAA records.' },
    ]);
  });
});
