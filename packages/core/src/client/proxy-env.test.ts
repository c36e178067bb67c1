import { describe, expect, it } from 'vitest';
import { proxyFor } from './proxy-env.js';

const P = 'http://user:secret@proxy.corp.example:3128';

describe('proxyFor', () => {
  it.each([
    ['https://ca.example/api', { HTTPS_PROXY: P }, 'http://proxy.corp.example:3128'],
    ['https://ca.example/api', { HTTP_PROXY: P }, 'http://proxy.corp.example:3128'],
    ['http://ca.example/api', { HTTPS_PROXY: P }, undefined],
    ['https://ca.example/api', { https_proxy: 'http://lower:1', HTTPS_PROXY: P }, 'http://lower:1'],
    ['https://ca.example/api', { HTTPS_PROXY: P, NO_PROXY: 'ca.example' }, undefined],
    ['https://api.ca.example/api', { HTTPS_PROXY: P, NO_PROXY: '.ca.example' }, undefined],
    ['https://api.ca.example/api', { HTTPS_PROXY: P, NO_PROXY: '*.ca.example' }, undefined],
    ['https://xca.example/api', { HTTPS_PROXY: P, NO_PROXY: 'ca.example' }, 'http://proxy.corp.example:3128'],
    ['https://ca.example/api', { HTTPS_PROXY: P, NO_PROXY: 'ca.example:8443' }, 'http://proxy.corp.example:3128'],
    ['https://ca.example:8443/api', { HTTPS_PROXY: P, NO_PROXY: 'other, ca.example:8443' }, undefined],
    ['https://127.0.0.1:9/api', { HTTPS_PROXY: P, NO_PROXY: '*' }, undefined],
    ['https://[::1]:9/api', { HTTPS_PROXY: P, NO_PROXY: '[::1]' }, undefined],
    ['https://ca.example/api', { HTTPS_PROXY: '' }, undefined],
  ])('%s with %j goes through %s, never naming its credentials', (url, env, expected) => {
    expect(proxyFor(new URL(url), env)).toBe(expected);
  });
});
