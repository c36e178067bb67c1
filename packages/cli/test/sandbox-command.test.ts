/** `acmapi sandbox`: runs in the foreground, prints its banner without tokens, stops cleanly on SIGTERM/SIGINT. */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { generateKeyAndCsr } from '@acmapi/core';
import { serveSignfile } from '@acmapi/core/deploy';
import { startDnsServer } from '@acmapi/test-dns';
import { makeTempDir } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, canaryToken, rawPost, runCli } from './cli-harness.js';

let temp: TempDir;

beforeAll(async () => {
  temp = await makeTempDir('acmapi-cli-sandbox-');
});

afterAll(async () => {
  await temp.cleanup();
});

describe('acmapi sandbox', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves the API from its config, hides tokens, and stops on %s with exit 0', async (signal) => {
    const token = canaryToken();
    const config = join(temp.path, `sandbox-${signal}.json`);
    await writeFile(config, JSON.stringify({ customers: [{ customerId: 'cfg-customer', authToken: token, signfile: { name: 'signfile', content: 'cfg-signfile' } }] }));
    const child = spawn(process.execPath, [CLI_BIN, 'sandbox', '--port', '0', '--config', config, '--http-port', '8089'], {
      env: { PATH: process.env['PATH'] ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
    for (let i = 0; i < 200 && !stdout.includes('Press Ctrl-C'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stdout).toContain('Press Ctrl-C');
    expect(stdout).toContain('cfg-customer');
    const endpoint = /API endpoint:\s+(\S+)/.exec(stdout)?.[1];
    expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    // It really serves: a request with the config's customer and a wrong req_type gets 103.
    const rootUrl = /CA root:\s+(\S+)/.exec(stdout)?.[1] ?? '';
    // Fetching the root itself needs no trust: it is checked by using it for the API call below.
    const rootPem = await new Promise<string>((resolve, reject) => {
      get(rootUrl, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => { resolve(body); });
      }).on('error', reject);
    });
    const answer = await rawPost(endpoint ?? '', rootPem, { customer_id: 'cfg-customer', auth_token: token, req_type: 'x' });
    expect(answer.body['status']).toBe(103);
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(stdout + stderr).not.toContain(token);
  });

  it('finding 8: listens on the config file\'s "port" and "host" when no --port/--host is given; flags given win', async () => {
    const freePort = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0); });
        });
      });
    const endpointOf = async (args: string[]): Promise<string | undefined> => {
      const child = spawn(process.execPath, [CLI_BIN, 'sandbox', ...args], { env: { PATH: process.env['PATH'] ?? '' } });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
      for (let i = 0; i < 200 && !stdout.includes('Press Ctrl-C') && child.exitCode === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill('SIGTERM');
      await exited;
      return /API endpoint:\s+(\S+)/.exec(stdout)?.[1];
    };
    const port = await freePort();
    const config = join(temp.path, 'sandbox-port.json');
    await writeFile(config, JSON.stringify({ port, host: 'localhost' }));
    expect(await endpointOf(['--config', config])).toBe(`https://localhost:${port}/`);
    const flagPort = await freePort();
    expect(await endpointOf(['--config', config, '--port', String(flagPort), '--host', '127.0.0.1'])).toBe(`https://127.0.0.1:${flagPort}/`);
  });

  it('rejects a bad port with exit 2', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'sandbox', '--port', 'eighty'], { env: { PATH: process.env['PATH'] ?? '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => { resolve(c); }));
    expect(code).toBe(2);
    expect(stderr).toContain('What to do:');
  });

  it('maps --resolve DOMAIN:ADDR into the signfile check: a domain mapped where nothing listens gets 107', async () => {
    const token = canaryToken();
    const signfile = { name: 'signfile', content: 'resolve-flag-signfile' };
    const web = await serveSignfile({ host: '127.0.0.1', port: 0, signfile });
    const config = join(temp.path, 'sandbox-resolve.json');
    await writeFile(config, JSON.stringify({ customers: [{ customerId: 'res', authToken: token, signfile }] }));
    const child = spawn(
      process.execPath,
      [CLI_BIN, 'sandbox', '--config', config, '--http-port', String(web.port), '--resolve', 'good.acmapi.test:127.0.0.1', '--resolve', '*.bad.acmapi.test:127.0.0.9'],
      { env: { PATH: process.env['PATH'] ?? '' } },
    );
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      for (let i = 0; i < 200 && !stdout.includes('Press Ctrl-C'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const endpoint = /API endpoint:\s+(\S+)/.exec(stdout)?.[1] ?? '';
      const rootUrl = /CA root:\s+(\S+)/.exec(stdout)?.[1] ?? '';
      const rootPem = await new Promise<string>((resolve, reject) => {
        get(rootUrl, { rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => { resolve(body); });
        }).on('error', reject);
      });
      const rootPath = join(temp.path, 'resolve-root.pem');
      await writeFile(rootPath, rootPem);
      const env = { ACMAPI_ENDPOINT: endpoint, ACMAPI_CUSTOMER_ID: 'res', ACMAPI_AUTH_TOKEN: token, ACMAPI_CA_FILE: rootPath };
      const good = await runCli(['issue', '-d', 'good.acmapi.test', '--out', join(temp.path, 'res-out')], env);
      expect(good.code).toBe(0);
      const bad = await runCli(['issue', '-d', 'www.bad.acmapi.test', '--out', join(temp.path, 'res-out'), '--json'], env);
      expect(bad.code).toBe(4);
      expect(JSON.parse(bad.stdout)).toMatchObject({ error: { status: 107, domain: 'www.bad.acmapi.test' } });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await web.close();
    }
  });

  it('rejects a bad --resolve with exit 2', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'sandbox', '--resolve', 'a.acmapi.test:nowhere'], { env: { PATH: process.env['PATH'] ?? '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => { resolve(c); }));
    expect(code).toBe(2);
    expect(stderr).toContain('is not an IPv4 or IPv6 address');
  });

  it('issue 13: --dns-server, --caa-identity and --perspectives reach the CA, which refuses 109 where CAA names another CA', async () => {
    const dns = await startDnsServer();
    await dns.set('caa.acmapi.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
    const token = canaryToken();
    const config = join(temp.path, 'sandbox-dns.json');
    await writeFile(config, JSON.stringify({ customers: [{ customerId: 'dns', authToken: token, signfile: { name: 'signfile', content: 'dns-flag-signfile' } }] }));
    const child = spawn(
      process.execPath,
      [CLI_BIN, 'sandbox', '--config', config, '--dns-server', dns.address, '--caa-identity', 'ca.acmapi.test', '--perspectives', '2'],
      { env: { PATH: process.env['PATH'] ?? '' } },
    );
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      for (let i = 0; i < 200 && !stdout.includes('Press Ctrl-C'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stdout).toContain(`CAA identities:    ca.acmapi.test  (DNS servers ${dns.address})`);
      expect(stdout).toContain('primary + 2 remote from 127.0.0.10–127.0.0.11; at most 1 may disagree');
      const endpoint = /API endpoint:\s+(\S+)/.exec(stdout)?.[1] ?? '';
      const rootUrl = /CA root:\s+(\S+)/.exec(stdout)?.[1] ?? '';
      const rootPem = await new Promise<string>((resolve, reject) => {
        get(rootUrl, { rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => { resolve(body); });
        }).on('error', reject);
      });
      const { csrPem } = await generateKeyAndCsr({ domains: ['caa.acmapi.test'] });
      const answer = await rawPost(endpoint, rootPem, { customer_id: 'dns', auth_token: token, req_type: 'cert_apply', domain_name: ['caa.acmapi.test'], csr: csrPem });
      expect(answer.body).toMatchObject({ status: 109, other_msg: 'caa.acmapi.test' });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await dns.close();
    }
  });

  it('--require-dnssec reaches the CA: a CAA answer from a server that does not validate (knotd) refuses 109', async () => {
    const dns = await startDnsServer();
    await dns.set('caa.acmapi.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test' }] });
    const token = canaryToken();
    const config = join(temp.path, 'sandbox-dnssec.json');
    await writeFile(config, JSON.stringify({ customers: [{ customerId: 'sec', authToken: token, signfile: { name: 'signfile', content: 'dnssec-flag-signfile' } }] }));
    const child = spawn(process.execPath, [CLI_BIN, 'sandbox', '--config', config, '--dns-server', dns.address, '--require-dnssec', '--perspectives', '0'], {
      env: { PATH: process.env['PATH'] ?? '' },
    });
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      for (let i = 0; i < 200 && !stdout.includes('Press Ctrl-C'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const endpoint = /API endpoint:\s+(\S+)/.exec(stdout)?.[1] ?? '';
      const rootUrl = /CA root:\s+(\S+)/.exec(stdout)?.[1] ?? '';
      const rootPem = await new Promise<string>((resolve, reject) => {
        get(rootUrl, { rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => { resolve(body); });
        }).on('error', reject);
      });
      const { csrPem } = await generateKeyAndCsr({ domains: ['caa.acmapi.test'] });
      const answer = await rawPost(endpoint, rootPem, { customer_id: 'sec', auth_token: token, req_type: 'cert_apply', domain_name: ['caa.acmapi.test'], csr: csrPem });
      expect(answer.body).toMatchObject({ status: 109, other_msg: 'caa.acmapi.test' });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await dns.close();
    }
  });

  it.each([
    [['--dns-server', 'dns.example'], 'validation.dnsServers[0]'],
    [['--perspectives', 'many'], '--perspectives "many" is not a count'],
  ])('rejects %j with exit 2', async (args, message) => {
    const child = spawn(process.execPath, [CLI_BIN, 'sandbox', ...args], { env: { PATH: process.env['PATH'] ?? '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => { resolve(c); }));
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
