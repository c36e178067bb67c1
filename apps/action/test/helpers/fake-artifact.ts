/**
 * A loopback artifact service v2, as @actions/artifact 2+ speaks it: Twirp JSON at
 * ACTIONS_RESULTS_URL (`CreateArtifact` → a signed upload URL, `FinalizeArtifact`),
 * Bearer ACTIONS_RUNTIME_TOKEN, and the upload itself with the Azure Blob protocol
 * (`Put Block` `?comp=block&blockid=…`, then `Put Block List` `?comp=blocklist`).
 * The committed blob is kept so that a test can unzip it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';

export interface FakeArtifactService {
  /** For ACTIONS_RESULTS_URL. */
  readonly url: string;
  /** An ACTIONS_RUNTIME_TOKEN (unsigned JWT) carrying `Actions.Results:RUN:JOB`. */
  readonly runtimeToken: string;
  /** Twirp calls: method and JSON body. */
  readonly calls: { method: string; body: Record<string, unknown> }[];
  /** Committed blobs by artifact name. */
  readonly uploads: Map<string, Buffer>;
  /** How many of the next Twirp calls to answer 503 (a service hiccup, retried by clients). */
  failNext: number;
  close(): Promise<void>;
}

export const RUN_BACKEND_ID = 'c0ffee00-0000-4000-8000-000000000001';
export const JOB_BACKEND_ID = 'c0ffee00-0000-4000-8000-000000000002';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

export async function startFakeArtifactService(): Promise<FakeArtifactService> {
  const runtimeToken = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ scp: `Actions.GenericRead:x Actions.Results:${RUN_BACKEND_ID}:${JOB_BACKEND_ID}` })}.sig`;
  const calls: FakeArtifactService['calls'] = [];
  const uploads = new Map<string, Buffer>();
  const blocks = new Map<string, Buffer>();
  let base = '';
  const fake: { -readonly [K in keyof FakeArtifactService]: FakeArtifactService[K] } = {
    url: '',
    runtimeToken,
    calls,
    uploads,
    failNext: 0,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }),
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://x');
      const data = await readBody(request);
      if (url.pathname.startsWith(SERVICE) && request.method === 'POST') {
        if (request.headers.authorization !== `Bearer ${runtimeToken}`) { json(response, 401, { code: 'unauthenticated', msg: 'bad token' }); return; }
        const method = url.pathname.slice(SERVICE.length);
        if (fake.failNext > 0) {
          fake.failNext--;
          json(response, 503, { code: 'unavailable', msg: 'try again' });
          return;
        }
        const body = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        calls.push({ method, body });
        if (method === 'CreateArtifact') {
          json(response, 200, { ok: true, signed_upload_url: `${base}/blob/actions-results/${encodeURIComponent(String(body['name']))}.zip?sig=fake-signature&sv=2023-11-03` }); return;
        }
        if (method === 'FinalizeArtifact') { json(response, 200, { ok: true, artifact_id: '4242' }); return; }
        json(response, 404, { code: 'bad_route', msg: method }); return;
      }
      if (url.pathname.startsWith('/blob/') && request.method === 'PUT') {
        if (url.searchParams.get('sig') !== 'fake-signature') { response.writeHead(403).end(); return; }
        const headers = { 'x-ms-request-id': 'fake', 'x-ms-version': '2023-11-03', etag: '"0x1"', 'last-modified': new Date().toUTCString() };
        const name = decodeURIComponent(url.pathname.slice('/blob/actions-results/'.length)).replace(/\.zip$/, '');
        const comp = url.searchParams.get('comp');
        if (comp === 'block') {
          blocks.set(`${name}\0${url.searchParams.get('blockid') ?? ''}`, data);
          response.writeHead(201, headers).end();
          return;
        }
        if (comp === 'blocklist') {
          const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1] ?? '');
          uploads.set(name, Buffer.concat(ids.map((id) => blocks.get(`${name}\0${id}`) ?? Buffer.alloc(0))));
          response.writeHead(201, headers).end();
          return;
        }
        // A single-shot Put Blob.
        uploads.set(name, data);
        response.writeHead(201, headers).end();
        return;
      }
      response.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  fake.url = `${base}/`;
  return fake;
}
