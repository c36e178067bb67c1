import type { PreflightResult } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { formatTable, preflightReportLines } from './preflight-report.js';

const URL_A = 'http://a.test/.well-known/pki-validation/signfile';

const result: PreflightResult = {
  ok: false,
  mode: 'warn',
  domains: [
    {
      domain: 'a.test',
      ok: false,
      addressSource: 'dns',
      warnings: ['a.test at 192.0.2.1 over https: the TLS certificate of a.test is not valid (DEPTH_ZERO_SELF_SIGNED_CERT); the signfile check does not need it, browsers do.'],
      failure: { kind: 'http-status', status: 404, message: 'a.test at [2001:db8::1]: … answered 404.', hint: 'Put the signfile there.' },
      addresses: [
        {
          address: '192.0.2.1',
          family: 4,
          ok: true,
          schemes: [
            {
              scheme: 'http',
              url: URL_A,
              ok: true,
              hops: [
                { url: URL_A, address: '192.0.2.1', port: 80, status: 301, location: 'https://www.a.test/x', cdnHeaders: {} },
                { url: 'https://www.a.test/x', address: '192.0.2.1', port: 443, status: 200, cdnHeaders: { server: 'cloudflare', 'cf-cache-status': 'HIT' }, tls: { valid: false, error: 'DEPTH_ZERO_SELF_SIGNED_CERT' } },
              ],
              content: { pass: true, kind: 'exact', excerpt: 'tok' },
            },
          ],
        },
        {
          address: '2001:db8::1',
          family: 6,
          ok: false,
          schemes: [
            {
              scheme: 'http',
              url: URL_A,
              ok: false,
              hops: [{ url: URL_A, address: '2001:db8::1', port: 80, status: 404, cdnHeaders: {} }],
              failure: { kind: 'http-status', status: 404, message: 'm', hint: 'h' },
            },
          ],
        },
      ],
    },
  ],
};

describe('preflightReportLines', () => {
  it('renders a verdict, one row per address and scheme with the chain, content, CDN and TLS details, warnings, and the reason', () => {
    const lines = preflightReportLines(result);
    expect(lines[0]).toBe('FAIL a.test: 1 of 2 addresses does not serve the signfile; the CA may pick any of them.');
    expect(lines[1]).toMatch(/^ {2}address\s+scheme\s+result\s+detail$/);
    expect(lines[2]).toBe(
      '  192.0.2.1      http    ok      301 → https://www.a.test/x 200; content exact; server: cloudflare, cf-cache-status: HIT; TLS certificate invalid (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    expect(lines[3]).toBe('  [2001:db8::1]  http    FAIL    404; http-status');
    expect(lines[4]).toContain('Warning: a.test at 192.0.2.1 over https: the TLS certificate');
    expect(lines.slice(5)).toEqual(['  Why: a.test at [2001:db8::1]: … answered 404.', '  What to do: Put the signfile there.']);
  });

  it('says PASS with the address count when every address serves the file', () => {
    const passing: PreflightResult = { ok: true, mode: 'strict', domains: [{ domain: 'b.test', ok: true, addressSource: 'override', addresses: [], warnings: [] }] };
    expect(preflightReportLines(passing)[0]).toBe('PASS b.test: the signfile is served on every address (0 addresses from --resolve).');
  });
});

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(formatTable([['a', 'bb', 'c'], ['ccc', 'd', 'eeee']])).toEqual(['a    bb  c', 'ccc  d   eeee']);
  });
});
