import { describe, expect, it } from 'vitest';
import { contentWarning, describeFailure } from './describe-failure.js';

const url = 'http://a.test/.well-known/pki-validation/signfile';

describe('describeFailure', () => {
  it('a 404 names the URL fetched and the local path written', () => {
    const failure = describeFailure({ kind: 'http-status', domain: 'a.test', url, address: '::1', status: 404, localPath: '/srv/www/.well-known/pki-validation/signfile' });
    expect(failure.message).toBe(`a.test at [::1]: ${url} answered 404; the signfile was written to /srv/www/.well-known/pki-validation/signfile.`);
    expect(failure.hint).toContain('the webroot is wrong');
    expect(failure).toMatchObject({ kind: 'http-status', status: 404, address: '::1', url });
  });

  it('a 404 from IIS offers the web.config remedy, in neutral words', () => {
    const failure = describeFailure({ kind: 'http-status', domain: 'a.test', url, status: 404, server: 'Microsoft-IIS/10.0' });
    expect(failure.remedy).toBe('iis-web-config');
    expect(failure.hint).toContain('web.config');
    expect(failure.hint).toContain('extension');
    expect(failure.hint).not.toMatch(/--[a-z]/);
  });

  it('a 404 from another server offers no remedy', () => {
    expect(describeFailure({ kind: 'http-status', domain: 'a.test', url, status: 404, server: 'nginx' }).remedy).toBeUndefined();
  });

  it('a domain missing from DNS offers the DNS override remedy, in neutral words', () => {
    const failure = describeFailure({ kind: 'dns-no-such-name', domain: 'a.test', code: 'ENOTFOUND' });
    expect(failure.remedy).toBe('dns-override');
    expect(failure.hint).toContain('DNS override');
    expect(failure.hint).not.toMatch(/--[a-z]/);
  });

  it('a redirect to another port names the port and says the mapping does not matter', () => {
    const failure = describeFailure({
      kind: 'redirect-not-allowed',
      domain: 'a.test',
      url,
      redirect: { reason: 'port', status: 301, location: 'https://a.test:8443/x', port: 8443 },
    });
    expect(failure.message).toContain('port 8443 is not allowed');
    expect(failure.hint).toContain('whatever your port mapping');
  });

  it("finding 2: a redirect's Location is the web server's string, shown escaped", () => {
    const failure = describeFailure({
      kind: 'redirect-not-allowed',
      domain: 'a.test',
      url,
      redirect: { reason: 'port', status: 301, location: 'https://a.test:8443/\u001b[2J\nWhat to do: rm -rf /', port: 8443 },
    });
    expect(failure.message).toContain('to https://a.test:8443/\\u{1b}[2J\\nWhat to do: rm -rf /');
    expect(failure.message).not.toContain('\u001b');
    expect(failure.message).not.toContain('\n');
  });

  it('the Apache lost slash is named', () => {
    const failure = describeFailure({
      kind: 'redirect-not-allowed',
      domain: 'a.test',
      url,
      redirect: { reason: 'lost-slash', status: 301, location: 'https://a.test.well-known/pki-validation/signfile' },
    });
    expect(failure.message).toContain('lost the slash');
  });

  it('a content mismatch quotes the excerpt and names the kind', () => {
    const failure = describeFailure({ kind: 'content-mismatch', domain: 'a.test', url, content: { pass: false, kind: 'html', excerpt: '<html>' } });
    expect(failure.message).toContain('an HTML page: "<html>"');
    expect(failure.hint).toContain('Exclude /.well-known/pki-validation/ from rewrites');
  });

  it('a timeout names the phase and the limit', () => {
    const failure = describeFailure({ kind: 'timeout', domain: 'a.test', url, address: '127.0.0.1', phase: 'headers', limitMs: 300 });
    expect(failure.message).toBe(`a.test at 127.0.0.1: ${url} timed out waiting for the answer (300 ms).`);
  });
});

describe('contentWarning', () => {
  it('warns only for passing but inexact kinds', () => {
    expect(contentWarning({ pass: true, kind: 'crlf', excerpt: '' })).toContain('(crlf)');
    expect(contentWarning({ pass: true, kind: 'exact', excerpt: '' })).toBeUndefined();
    expect(contentWarning({ pass: true, kind: 'contained', excerpt: '' })).toBeUndefined();
  });
});
