/**
 * Pending applications (spec §3 "pending"): by domain pattern or share, approved or
 * refused in-process and through the admin endpoint (Bearer token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError, startSandbox, type Sandbox } from '../src/index.js';
import { api, call, closeAgent } from './helpers/api.js';
import { makeCsr, openssl, withFiles } from './helpers/openssl.js';

const AUTH = { customer_id: 'demo', auth_token: 'demo-token' };
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    validation: { enabled: false },
    pending: { domains: ['*.review.test'] },
    adminToken: 'admin-secret-for-tests',
  });
});

afterAll(async () => {
  await closeAgent(sandbox);
  await sandbox.close();
});

async function applyPending(domain: string): Promise<{ handle: string; keyPem: string }> {
  const { csrPem, keyPem } = await makeCsr({ domains: [domain] });
  const answer = await api(sandbox, { ...AUTH, req_type: 'cert_apply', domain_name: [domain], csr: csrPem });
  expect(answer.json).toMatchObject({ result: 'pending', status: 1 });
  expect(answer.json).not.toHaveProperty('certificate');
  return { handle: String(answer.json['handle_id']), keyPem };
}

function retrieve(handle: string): ReturnType<typeof api> {
  return api(sandbox, { ...AUTH, req_type: 'cert_apply', handle_id: handle });
}

/** An admin call; `token` null sends no Authorization header. */
function admin(path: string, body?: unknown, token: string | null = sandbox.adminToken): ReturnType<typeof call> {
  return call(sandbox, path, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body }),
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

describe('pending applications', () => {
  it('pending → still pending → approve() → retrieve gives a certificate for the CSR key', async () => {
    const { handle, keyPem } = await applyPending('www.review.test');
    expect(handle).toMatch(/^handle_[0-9a-f]{32}$/);
    expect((await retrieve(handle)).json).toEqual({ result: 'pending', status: 1, handle_id: handle });
    expect(sandbox.applications().find((a) => a.handleId === handle)?.state).toBe('pending');
    const approved = await sandbox.approve(handle);
    expect(approved.state).toBe('issued');
    const answer = await retrieve(handle);
    expect(answer.json).toMatchObject({ result: 'success', status: 0, handle_id: handle });
    const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(String(answer.json['certificate']))?.[0] ?? '';
    await withFiles({ 'leaf.pem': `${leaf}\n`, 'key.pem': keyPem, 'root.pem': sandbox.caCertificates.rootPem, 'inter.pem': sandbox.caCertificates.intermediatePem }, async (path) => {
      expect(await openssl(['x509', '-in', path('leaf.pem'), '-noout', '-pubkey'])).toBe(await openssl(['pkey', '-in', path('key.pem'), '-pubout']));
      expect(await openssl(['verify', '-CAfile', path('root.pem'), '-untrusted', path('inter.pem'), path('leaf.pem')])).toContain(': OK');
    });
  });

  it('pending → refuse() → retrieve gives 109, again and again', async () => {
    const { handle } = await applyPending('shop.review.test');
    expect(sandbox.refuse(handle).state).toBe('refused');
    expect((await retrieve(handle)).json).toEqual({ result: 'error', status: 109 });
    expect((await retrieve(handle)).json).toEqual({ result: 'error', status: 109 });
  });

  it('approve/refuse throw SandboxError for unknown handles and for applications no longer pending', async () => {
    await expect(sandbox.approve('handle_nope')).rejects.toMatchObject({ code: 'SANDBOX_UNKNOWN_HANDLE' });
    const { handle } = await applyPending('twice.review.test');
    sandbox.refuse(handle);
    await expect(sandbox.approve(handle)).rejects.toBeInstanceOf(SandboxError);
    expect(() => sandbox.refuse(handle)).toThrow(/refused, not pending/);
  });

  it('issues at once for domains outside the pending patterns', async () => {
    const { csrPem } = await makeCsr({ domains: ['review.test'] });
    const answer = await api(sandbox, { ...AUTH, req_type: 'cert_apply', domain_name: ['review.test'], csr: csrPem });
    expect(answer.json['status']).toBe(0);
  });
});

describe('admin endpoint', () => {
  it('rejects calls without the Bearer token or with a wrong one (401), and wrong methods (405)', async () => {
    const { handle } = await applyPending('auth.review.test');
    expect((await admin('/admin/approve', { handle_id: handle }, null)).httpStatus).toBe(401);
    const wrong = await admin('/admin/approve', { handle_id: handle }, 'admin-secret-for-testz');
    expect(wrong.httpStatus).toBe(401);
    expect(wrong.headers['www-authenticate']).toContain('Bearer');
    expect((await admin('/admin/applications', undefined, 'nope')).httpStatus).toBe(401);
    expect((await call(sandbox, '/admin/approve', { method: 'GET', headers: { authorization: `Bearer ${sandbox.adminToken}` } })).httpStatus).toBe(405);
    expect(sandbox.applications().find((a) => a.handleId === handle)?.state).toBe('pending');
  });

  it('approves and refuses by handle, 404 for unknown handles, 409 when not pending, 400 without handle_id', async () => {
    const first = await applyPending('one.review.test');
    const second = await applyPending('two.review.test');
    const approved = await admin('/admin/approve', { handle_id: first.handle });
    expect(approved.httpStatus).toBe(200);
    expect(approved.json['application']).toMatchObject({ handleId: first.handle, state: 'issued', domains: ['one.review.test'] });
    expect((await retrieve(first.handle)).json['status']).toBe(0);
    const refused = await admin('/admin/refuse', { handle_id: second.handle });
    expect(refused.httpStatus).toBe(200);
    expect((await retrieve(second.handle)).json['status']).toBe(109);
    expect((await admin('/admin/approve', { handle_id: 'handle_unknown' })).httpStatus).toBe(404);
    expect((await admin('/admin/refuse', { handle_id: first.handle })).httpStatus).toBe(409);
    expect((await admin('/admin/approve', { nothing: true })).httpStatus).toBe(400);
  });

  it('lists applications without secrets', async () => {
    const listing = await admin('/admin/applications');
    expect(listing.httpStatus).toBe(200);
    const applications = listing.json['applications'] as { handleId: string; state: string }[];
    expect(applications.length).toBe(sandbox.applications().length);
    expect(listing.text).not.toContain('demo-token');
  });

  it('generates an unguessable admin token when none is given', async () => {
    const other = await startSandbox({ tls: false });
    try {
      expect(other.adminToken).toMatch(/^admin_[0-9a-f]{32}$/);
      expect(other.adminToken).not.toBe(sandbox.adminToken);
    } finally {
      await other.close();
    }
  });
});

describe('pending by share, with a seeded random', () => {
  it('sends about the configured share pending, the same ones for the same seed', async () => {
    const statuses = async (seed: number): Promise<unknown[]> => {
      const sb = await startSandbox({ tls: false, validation: { enabled: false }, faults: { pendingShare: 0.5 }, random: seed });
      try {
        const { csrPem } = await makeCsr({ domains: ['share.example.test'] });
        const out: unknown[] = [];
        for (let i = 0; i < 12; i += 1) {
          out.push((await api(sb, { ...AUTH, req_type: 'cert_apply', domain_name: ['share.example.test'], csr: csrPem })).json['status']);
        }
        return out;
      } finally {
        await closeAgent(sb);
        await sb.close();
      }
    };
    const first = await statuses(7);
    expect(await statuses(7)).toEqual(first);
    expect(first).toContain(0);
    expect(first).toContain(1);
  });
});
