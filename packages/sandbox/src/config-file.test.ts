import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSandboxConfig, parseSandboxConfig } from './config-file.js';
import { resolveSandboxOptions } from './resolve-options.js';

const customer = { customerId: 'c1', authToken: 'tok', signfile: { content: 'abc' } };

describe('parseSandboxConfig', () => {
  it('accepts a full configuration as JSON text and returns it unmerged', () => {
    const config = {
      port: 8443,
      tls: true,
      customers: [{ ...customer, signfile: { name: 'acme-signfile.txt', content: 'abc' }, allowedIps: ['127.0.0.1', '10.0.0.0/8'] }],
      refuse: ['*.refused.test', 'blocked.example'],
      pending: { domains: ['*.review.test'], share: 0.1 },
      validation: { resolve: { 'example.test': ['127.0.0.1', '::1'] }, httpPort: 5002, httpsPort: 5001, maxRedirects: 5 },
      faults: { delayMs: 10, unknownErrorShare: 0.05, wrongKeyShare: 0 },
      quirks: { paddedKeys: true, statusAsString: true, certificateFormat: 'der-base64' },
      validityDays: 30,
      random: 42,
    };
    expect(parseSandboxConfig(JSON.stringify(config))).toEqual(config);
  });

  it.each([
    [{ port: 70000 }, '$.port: expected an integer from 0 to 65535'],
    [{ customers: [] }, '$.customers: expected a non-empty array'],
    [{ customers: [{ ...customer, authToken: 5 }] }, '$.customers[0].authToken: expected a non-empty string'],
    [{ customers: [{ ...customer, allowedIps: ['127.0.0.1', 'somewhere'] }] }, '$.customers[0].allowedIps[1]: "somewhere" is not an IP address or CIDR block'],
    [{ customers: [customer, customer] }, '$.customers[1].customerId: duplicate customer id "c1"'],
    [{ customers: [{ ...customer, signfile: { name: '../x', content: 'a' } }] }, '$.customers[0].signfile.name'],
    [{ refuse: ['a.*.test'] }, '$.refuse[0]: "a.*.test" is not a domain pattern'],
    [{ refuse: ['bü--x.test'] }, '$.refuse[0]: "bü--x.test" is not a domain pattern: '],
    [{ pending: { share: 2 } }, '$.pending.share: expected a number from 0 to 1'],
    [{ validation: { resolve: { 'x.test': ['not-an-ip'] } } }, '$.validation.resolve["x.test"][0]: "not-an-ip" is not an IP address'],
    [{ validation: { httpPort: 0 } }, '$.validation.httpPort'],
    [{ quirks: { certificateFormat: 'pkcs7' } }, '$.quirks.certificateFormat: expected "pem", "bundle" or "der-base64"'],
    [{ faults: { typo: 1 } }, '$.faults.typo: unknown option'],
    [{ prot: 1 }, '$.prot: unknown option'],
    [{ random: 1.5 }, '$.random: expected an integer seed'],
    [[], '$: expected an object'],
  ])('rejects %j with the JSON path', (config, message) => {
    expect(() => parseSandboxConfig(JSON.stringify(config))).toThrow(message);
  });

  it('keeps a pattern given in Unicode in A-labels, the form domains arrive in', () => {
    const options = resolveSandboxOptions(
      parseSandboxConfig(JSON.stringify({ refuse: ['Bücher.test'], pending: { domains: ['*.例え.test'] }, validation: { resolve: { '*.straße.test': ['127.0.0.1'] } } })),
    );
    expect(options.refuse).toEqual(['xn--bcher-kva.test']);
    expect(options.pending.domains).toEqual(['*.xn--r8jz45g.test']);
    expect(Object.keys(options.validation.resolve)).toEqual(['*.xn--strae-oqa.test']);
  });

  it('rejects text that is not JSON, with code OPTIONS_INVALID', () => {
    expect(() => parseSandboxConfig('{ port: 1 }')).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID', message: expect.stringContaining('not valid JSON') as string }));
  });
});

describe('loadSandboxConfig', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('reads a file, and names the file in errors', async () => {
    dir = await mkdtemp(join(tmpdir(), 'acmapi-sandbox-config-'));
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    await writeFile(good, JSON.stringify({ customers: [customer] }));
    await writeFile(bad, JSON.stringify({ tls: 'yes' }));
    expect(await loadSandboxConfig(good)).toEqual({ customers: [customer] });
    await expect(loadSandboxConfig(bad)).rejects.toThrow(`${bad}: Invalid sandbox option $.tls: expected true or false.`);
    await expect(loadSandboxConfig(join(dir, 'missing.json'))).rejects.toThrow(/Cannot read sandbox configuration .*missing\.json: ENOENT/);
  });

  it('finding 12: an endless --config file (/dev/zero) fails naming the file and the cap', async () => {
    await expect(loadSandboxConfig('/dev/zero')).rejects.toThrow(/Cannot read sandbox configuration \/dev\/zero: EFBIG \(larger than 1 MiB/);
  });
});

describe('resolveSandboxOptions', () => {
  it('merges the defaults', () => {
    const resolved = resolveSandboxOptions({});
    expect(resolved).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      validityMs: undefined,
      validityProfile: 'default',
      caaIdentities: ['sandbox.acmapi.test'],
      perspectives: [{}, {}, {}, {}, {}],
      backdateMs: 60_000,
      customers: [{ customerId: 'demo', signfile: { name: 'signfile' }, allowedIps: ['127.0.0.1', '::1'] }],
      validation: { enabled: true, defaultAddresses: ['127.0.0.1'], dnsServers: [], dnsTimeoutMs: 2000, httpPort: 80, httpsPort: 443, maxBodyBytes: 65_536, maxRedirects: 10 },
      quirks: { certificateFormat: 'bundle', paddedKeys: false, statusAsString: false },
    });
  });

  it('prefers validitySeconds over validityDays and takes the larger pending share', () => {
    const resolved = resolveSandboxOptions({ validityDays: 10, validitySeconds: 300, pending: { share: 0.2 }, faults: { pendingShare: 0.5 } });
    expect(resolved.validityMs).toBe(300_000);
    expect(resolved.pending.share).toBe(0.5);
  });

  it('makes a seeded random repeatable', () => {
    const a = resolveSandboxOptions({ random: 3 }).random;
    const b = resolveSandboxOptions({ random: 3 }).random;
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
