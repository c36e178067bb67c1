import { describe, expect, it } from 'vitest';
import { cleartextWarning, isLoopbackHost } from './credentials.js';

describe('cleartext endpoint warning', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'LOCALHOST', 'api.localhost'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['acmapi.example.com', '10.0.0.1', '128.0.0.1', '[::2]', '[2001:db8::1]', '127.example.com'])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('warns for http: to another machine only', () => {
    expect(cleartextWarning('http://acmapi.example.com:8080/api')).toContain('http://acmapi.example.com:8080');
    expect(cleartextWarning('http://10.0.0.1/')).toMatch(/unencrypted/);
    expect(cleartextWarning('http://127.0.0.1:4000/')).toBeUndefined();
    expect(cleartextWarning('http://[::1]:4000/')).toBeUndefined();
    expect(cleartextWarning('http://localhost/')).toBeUndefined();
    expect(cleartextWarning('https://acmapi.example.com/')).toBeUndefined();
  });
});
