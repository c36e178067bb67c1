/**
 * The HTTP surface: routes, methods, body cap, TLS off, IPv4-mapped callers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';
import { api, call, closeAgent } from './helpers/api.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ maxRequestBytes: 4096 });
});

afterAll(async () => {
  await closeAgent(sandbox);
  await sandbox.close();
});

describe('routes', () => {
  it('answers 405 with Allow: POST for other methods on /', async () => {
    const answer = await call(sandbox, '/', { method: 'GET' });
    expect(answer.httpStatus).toBe(405);
    expect(answer.headers['allow']).toBe('POST');
    expect((await call(sandbox, '/', { method: 'PUT', body: '{}' })).httpStatus).toBe(405);
  });

  it('answers 404 for unknown paths and unknown CA files, 405 for writes to CA files', async () => {
    expect((await call(sandbox, '/apply', { method: 'POST', body: '{}' })).httpStatus).toBe(404);
    expect((await call(sandbox, '/ca/other.pem')).httpStatus).toBe(404);
    expect((await call(sandbox, '/ca/root.pem', { method: 'POST', body: 'x' })).httpStatus).toBe(405);
  });

  it('answers 413 with status 111 to a body over maxRequestBytes, and logs it', async () => {
    const answer = await api(sandbox, { customer_id: 'demo', padding: 'x'.repeat(5000) });
    expect(answer.httpStatus).toBe(413);
    expect(answer.json).toEqual({ result: 'error', status: 111 });
    expect(sandbox.requests.at(-1)).toMatchObject({ httpStatus: 413, status: 111 });
  });

  it('answers every ACMAPI answer as JSON with HTTP 200', async () => {
    const answer = await api(sandbox, { customer_id: 'nobody' });
    expect(answer.httpStatus).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({ result: 'error', status: 101 });
  });

  it('counts every API call in requests, and none of the CA downloads', async () => {
    const before = sandbox.requests.length;
    await call(sandbox, '/ca/root.pem');
    await api(sandbox, { customer_id: 'nobody' });
    expect(sandbox.requests.length).toBe(before + 1);
  });
});

describe('listening', () => {
  it('serves plain HTTP with tls: false', async () => {
    const plain = await startSandbox({ tls: false });
    try {
      expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await api(plain, { customer_id: 'nobody' })).json['status']).toBe(101);
    } finally {
      await closeAgent(plain);
      await plain.close();
    }
  });

  it('treats an IPv4-mapped IPv6 caller (dual-stack listener) as its IPv4 address for the allow-list', async () => {
    const dual = await startSandbox({
      host: '::',
      tls: false,
      customers: [
        { customerId: 'v4', authToken: 't', signfile: { content: 'x' }, allowedIps: ['127.0.0.0/8'] },
        { customerId: 'v6', authToken: 't', signfile: { content: 'x' }, allowedIps: ['::1'] },
      ],
    });
    try {
      const port = new URL(dual.url).port;
      const viaV4 = { ...dual, url: `http://127.0.0.1:${port}/` } as Sandbox;
      const ok = await api(viaV4, { customer_id: 'v4', auth_token: 'wrong' });
      expect(ok.json['status']).toBe(102); // got past 110
      expect(dual.requests.at(-1)?.remoteAddress).toBe('::ffff:127.0.0.1');
      expect((await api(viaV4, { customer_id: 'v6', auth_token: 't' })).json['status']).toBe(110);
      await closeAgent(viaV4);
    } finally {
      await dual.close();
    }
  });

  it('refuses to start with invalid options, naming the field', async () => {
    await expect(startSandbox({ customers: [{ customerId: 'x', authToken: '', signfile: { content: 'y' } }] })).rejects.toThrow(
      'options.customers[0].authToken',
    );
  });
});
