import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { serveSignfile } from './signfile-server.js';
import type { ServeSignfileResult } from './signfile-server.js';

interface Reply {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

function fetchRaw(url: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

let server: ServeSignfileResult | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serveSignfile', () => {
  it('answers the signfile path with exactly the signfile bytes as text/plain', async () => {
    const content = 'token-8f3a\r\n  with trailing space \n';
    server = await serveSignfile({ signfile: { name: 'signfile', content } });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const reply = await fetchRaw(`${server.url}/.well-known/pki-validation/signfile`);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/plain');
    expect(reply.body.toString('utf8')).toBe(content);
  });

  it('serves a signfile under a custom name and ignores a query string', async () => {
    server = await serveSignfile({ signfile: { name: 'ABC123.txt', content: new Uint8Array([0x61, 0x62]) } });
    const reply = await fetchRaw(`${server.url}/.well-known/pki-validation/ABC123.txt?nocache=1`);
    expect(reply.status).toBe(200);
    expect(reply.body.toString('latin1')).toBe('ab');
  });

  it('answers 404 for every other path', async () => {
    server = await serveSignfile({ signfile: { name: 'signfile', content: 'token' } });
    for (const path of ['/', '/.well-known/pki-validation/', '/.well-known/pki-validation/other', '/signfile']) {
      const reply = await fetchRaw(server.url + path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.toString('utf8')).not.toContain('token');
    }
  });

  it('answers HEAD without a body and refuses POST', async () => {
    server = await serveSignfile({ signfile: { name: 'signfile', content: 'token' } });
    const head = await fetchRaw(`${server.url}/.well-known/pki-validation/signfile`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const post = await fetchRaw(`${server.url}/.well-known/pki-validation/signfile`, 'POST');
    expect(post.status).toBe(405);
  });

  it('stops answering after close()', async () => {
    const running = await serveSignfile({ signfile: { name: 'signfile', content: 'token' } });
    await running.close();
    await expect(fetchRaw(`${running.url}/.well-known/pki-validation/signfile`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails with EADDRINUSE when the port is taken', async () => {
    server = await serveSignfile({ signfile: { name: 'signfile', content: 'token' } });
    await expect(serveSignfile({ port: server.port, signfile: { name: 'signfile', content: 'x' } })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});
