/**
 * The sandbox's HTTP routes:
 * - `POST /` — the API (spec §2, §3); other methods 405.
 * - `GET /ca/root.pem`, `/ca/intermediate.pem`, `/ca/root.der`, `/ca/intermediate.der` — the test CA.
 * - `POST /admin/approve`, `POST /admin/refuse`, `GET /admin/applications`, `GET /admin/validations`,
 *   `GET /admin/policy`, `POST /admin/perspectives` — admin, Bearer token.
 * - anything else 404; a request target without a routable path (`*`, `http://[`) 400.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminAuthorized, decide, listApplications, setPerspectiveFromBody, type AdminResult } from './admin-handler.js';
import { type ApiContext, handleApiCall } from './api-handler.js';
import type { SandboxApplication } from './applications.js';
import { formatAnswer } from './protocol/api-answer.js';
import type { SandboxRequestRecord, SandboxValidationRecord } from './request-log.js';
import type { SandboxPerspective, SandboxPolicy } from './sandbox.js';
import type { PerspectiveSettings } from './validation/perspectives.js';

/** What the routes need besides the API context. */
export interface RouteContext extends ApiContext {
  /** Called with every API call's record. */
  readonly log: (record: SandboxRequestRecord) => void;
  readonly approve: (handleId: string) => Promise<SandboxApplication>;
  readonly refuse: (handleId: string) => SandboxApplication;
  readonly policy: () => SandboxPolicy;
  readonly setPerspective: (index: number, settings: PerspectiveSettings) => SandboxPerspective;
  readonly validations: () => readonly SandboxValidationRecord[];
}

const JSON_TYPE = 'application/json; charset=utf-8';

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > maxBytes) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string | Uint8Array, type: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(response, status, JSON.stringify(value), JSON_TYPE, headers);
}

function methodNotAllowed(response: ServerResponse, allow: string): void {
  sendJson(response, 405, { error: `method not allowed; use ${allow}` }, { allow });
}

function tooLarge(response: ServerResponse, context: RouteContext, remoteAddress: string): void {
  const body = formatAnswer({ result: 'error', status: 111 }, context.options.quirks);
  context.log({ at: context.options.now(), remoteAddress, kind: 'invalid', httpStatus: 413, status: 111, detail: ['body too large'] });
  send(response, 413, body, JSON_TYPE, { connection: 'close' });
}

async function serveApi(request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> {
  const remoteAddress = request.socket.remoteAddress ?? '';
  let body: string;
  try {
    body = await readBody(request, context.options.maxRequestBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      tooLarge(response, context, remoteAddress);
      return;
    }
    throw error;
  }
  const result = await handleApiCall(body, remoteAddress, context);
  if (context.options.faults.delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, context.options.faults.delayMs));
  }
  context.log(result.record);
  send(response, result.httpStatus, formatAnswer(result.answer, context.options.quirks), JSON_TYPE);
}

function serveCa(path: string, response: ServerResponse, context: RouteContext): boolean {
  const { root, intermediate } = context.ca;
  const files: Record<string, [string | Uint8Array, string]> = {
    '/ca/root.pem': [root.pem, 'application/x-pem-file'],
    '/ca/intermediate.pem': [intermediate.pem, 'application/x-pem-file'],
    '/ca/root.der': [root.der, 'application/pkix-cert'],
    '/ca/intermediate.der': [intermediate.der, 'application/pkix-cert'],
  };
  const file = files[path];
  if (file === undefined) return false;
  send(response, 200, file[0], file[1]);
  return true;
}

async function serveAdmin(path: string, request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> {
  const method = ADMIN_GETS.includes(path) ? 'GET' : 'POST';
  if (request.method !== method) {
    methodNotAllowed(response, method);
    return;
  }
  if (!adminAuthorized(request.headers.authorization, context.options.adminToken)) {
    sendJson(response, 401, { error: 'admin token required: Authorization: Bearer <admin token>' }, {
      'www-authenticate': 'Bearer realm="acmapi-sandbox"',
    });
    return;
  }
  let result: AdminResult;
  if (path === '/admin/applications') {
    result = listApplications(context.store);
  } else if (path === '/admin/validations') {
    result = { httpStatus: 200, body: { validations: context.validations() } };
  } else if (path === '/admin/policy') {
    result = { httpStatus: 200, body: context.policy() };
  } else {
    let body: string;
    try {
      body = await readBody(request, 4096);
    } catch {
      sendJson(response, 413, { error: 'body too large' }, { connection: 'close' });
      return;
    }
    result =
      path === '/admin/perspectives'
        ? setPerspectiveFromBody(body, context.setPerspective)
        : await decide(body, path === '/admin/approve' ? context.approve : context.refuse);
  }
  sendJson(response, result.httpStatus, result.body);
}

const ADMIN_GETS = ['/admin/applications', '/admin/validations', '/admin/policy'];
const ADMIN_PATHS = ['/admin/approve', '/admin/refuse', '/admin/perspectives', ...ADMIN_GETS];

/**
 * The path of a request target (RFC 9112 §3.2), or `undefined` when it has none we route:
 * origin-form (`/a/b?q`) is read as a path under a fixed origin, so `//`, `///?x=1` or
 * `//:` stay paths (404) instead of being taken for a scheme-relative URL with a host;
 * absolute-form (`http://host/a`) gives its path; anything else (`*`, `http://[`, …) has none.
 */
export function routedPath(target: string): string | undefined {
  try {
    if (target.startsWith('/')) return new URL(`http://sandbox.invalid${target}`).pathname;
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}

/** Routes one request; never throws nor rejects (an unroutable target gets 400, an unexpected failure 500). */
export async function route(request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> {
  try {
    const path = routedPath(request.url ?? '');
    if (path === undefined) {
      request.resume();
      sendJson(response, 400, { error: 'bad request target' }, { connection: 'close' });
    } else if (path === '/') {
      if (request.method === 'POST') await serveApi(request, response, context);
      else methodNotAllowed(response, 'POST');
    } else if (path.startsWith('/ca/')) {
      if (request.method !== 'GET' && request.method !== 'HEAD') methodNotAllowed(response, 'GET, HEAD');
      else if (!serveCa(path, response, context)) sendJson(response, 404, { error: 'not found' });
    } else if (ADMIN_PATHS.includes(path)) {
      await serveAdmin(path, request, response, context);
    } else {
      sendJson(response, 404, { error: 'not found' });
    }
  } catch {
    // Nothing may escape: the promise is not awaited, and an unhandled rejection would end
    // the process hosting the sandbox (issue 11, finding 1).
    try {
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.destroy();
    } catch {
      response.destroy();
    }
  }
}
