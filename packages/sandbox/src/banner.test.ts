import { describe, expect, it } from 'vitest';
import { formatSandboxBanner } from './banner.js';

const sandbox = {
  url: 'https://127.0.0.1:4000/',
  caUrls: {
    rootPem: 'https://127.0.0.1:4000/ca/root.pem',
    intermediatePem: 'https://127.0.0.1:4000/ca/intermediate.pem',
    rootDer: 'https://127.0.0.1:4000/ca/root.der',
    intermediateDer: 'https://127.0.0.1:4000/ca/intermediate.der',
  },
  adminUrl: 'https://127.0.0.1:4000/admin/',
  adminToken: 'admin_0123',
  customers: [{ customerId: 'demo', signfile: { name: 'signfile', content: 'demo-content' }, allowedIps: ['127.0.0.1'] }],
  policy: () => ({
    caaIdentities: ['sandbox.acmapi.test', 'other.test'],
    validationMethod: 'acmapi-file',
    accountUriTemplate: 'https://sandbox.acmapi.test/customer/{customerId}',
    dnsServers: [] as string[],
    requireDnssec: false,
    perspectives: [0, 1, 2, 3, 4].map((index) => ({ index, source: `127.0.0.${10 + index}` })),
    allowedNonCorroborations: 1,
    validityProfile: 'default',
  }),
};

describe('formatSandboxBanner', () => {
  it('shows the endpoint, CA URLs, admin endpoints and customers with their signfile', () => {
    const banner = formatSandboxBanner(sandbox);
    expect(banner).toContain('API endpoint:      https://127.0.0.1:4000/');
    expect(banner).toContain('https://127.0.0.1:4000/ca/root.pem');
    expect(banner).toContain('https://127.0.0.1:4000/ca/intermediate.der');
    expect(banner).toContain('https://127.0.0.1:4000/admin/approve');
    expect(banner).toContain('demo: signfile /.well-known/pki-validation/signfile containing "demo-content"');
  });

  it('shows the CAA identities, whether CAA is checked, and the perspectives with their quorum', () => {
    const banner = formatSandboxBanner(sandbox);
    expect(banner).toContain('CAA identities:    sandbox.acmapi.test, other.test  (not checked: no DNS server)');
    expect(banner).toContain('primary + 5 remote from 127.0.0.10–127.0.0.14; at most 1 may disagree');
    const alone = { ...sandbox, policy: () => ({ ...sandbox.policy(), perspectives: [], allowedNonCorroborations: 0 }) };
    expect(formatSandboxBanner(alone)).toMatch(/perspectives: {6}primary only \(no remote perspective corroborates\)$/m);
    const withDns = { ...sandbox, policy: () => ({ ...sandbox.policy(), dnsServers: ['127.0.0.1:5353'] }) };
    expect(formatSandboxBanner(withDns)).toContain('(DNS servers 127.0.0.1:5353)');
    const dnssec = { ...sandbox, policy: () => ({ ...sandbox.policy(), dnsServers: ['127.0.0.1:5353'], requireDnssec: true }) };
    expect(formatSandboxBanner(dnssec)).toContain('(DNS servers 127.0.0.1:5353; DNSSEC-validated answers only)');
  });

  it('hides the admin token unless asked, and has no field for customer tokens at all', () => {
    expect(formatSandboxBanner(sandbox)).not.toContain('admin_0123');
    expect(formatSandboxBanner(sandbox, { showAdminToken: true })).toContain('admin_0123');
    // a summary with a token smuggled in is still printed without it
    const withToken = { customerId: 'demo', signfile: { name: 'signfile', content: 'c' }, allowedIps: [], authToken: 'leak-me' };
    const smuggled = { ...sandbox, customers: [withToken] };
    expect(formatSandboxBanner(smuggled)).not.toContain('leak-me');
  });

  it("prints the built-in demo customer's public token, and no configured customer's", async () => {
    const { startSandbox } = await import('./sandbox.js');
    const demo = await startSandbox({ tls: false });
    const configured = await startSandbox({ tls: false, customers: [{ customerId: 'demo', authToken: 'private-token', signfile: { name: 'signfile', content: 'x' } }] });
    try {
      expect(formatSandboxBanner(demo)).toContain('auth token "demo-token"');
      expect(formatSandboxBanner(configured)).not.toContain('private-token');
      expect(formatSandboxBanner(configured)).not.toContain('auth token');
    } finally {
      await demo.close();
      await configured.close();
    }
  });
});
