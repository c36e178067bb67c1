import { describe, expect, it } from 'vitest';
import { OptionsError } from '../errors/errors.js';
import { caaPolicyFor, defaultCaaIdentities } from './caa-identities.js';
import { parseDnsServer } from './dns-servers.js';

describe('parseDnsServer', () => {
  it('adds port 53 and brackets IPv6', () => {
    expect(parseDnsServer('192.0.2.53')).toBe('192.0.2.53:53');
    expect(parseDnsServer('127.0.0.1:5353')).toBe('127.0.0.1:5353');
    expect(parseDnsServer('::1')).toBe('[::1]:53');
    expect(parseDnsServer('[::1]:5353')).toBe('[::1]:5353');
  });
  it('refuses host names, bad ports and empty texts', () => {
    for (const bad of ['dns.example.com', '127.0.0.1:0', '127.0.0.1:70000', '127.0.0.1:x', '', '[::1]:']) {
      expect(() => parseDnsServer(bad), bad).toThrow(OptionsError);
    }
  });
});

describe('defaultCaaIdentities and caaPolicyFor', () => {
  it('the endpoint host\'s CA domain; the sandbox identity for a local endpoint', () => {
    expect(defaultCaaIdentities('https://acmapi.wosign.com/')).toEqual(['wosign.com']);
    expect(defaultCaaIdentities('https://127.0.0.1:8443/')).toEqual(['sandbox.acmapi.test']);
    expect(defaultCaaIdentities('https://[::1]:8443/')).toEqual(['sandbox.acmapi.test']);
    expect(defaultCaaIdentities('https://localhost:8443/')).toEqual(['sandbox.acmapi.test']);
  });
  it('knows the sandbox\'s account URI only', () => {
    expect(caaPolicyFor('https://127.0.0.1:8443/', '42')).toEqual({ identities: ['sandbox.acmapi.test'], accountUri: 'https://sandbox.acmapi.test/customer/42' });
    expect(caaPolicyFor('https://acmapi.wosign.com/', '42')).toEqual({ identities: ['wosign.com'] });
    expect(caaPolicyFor('https://acmapi.wosign.com/', '42', ['ca.example'])).toEqual({ identities: ['ca.example'] });
  });
});
