/**
 * The API itself (spec §2–§5): one function from a request body to an answer, with
 * the checks in this order: body → 101 customer → 110 caller IP → 102 token →
 * 103 req_type → 111 injected fault → retrieve (108, then 1/0/109) or apply
 * (105 domains, 106 count, 104 CSR, 109 policy, 107 signfile, then 1 or 0).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type CaErrorStatus, DomainError, normalizeDomains } from '@acmapi/core';
import { type ApplicationRecord, type ApplicationStore, newHandleId } from './applications.js';
import { findMatchingPattern } from './domain-pattern.js';
import { createIpAllowList } from './ip-allow-list.js';
import { checkCsr } from './pki/csr-check.js';
import type { TestCa } from './pki/test-ca.js';
import { type ApiAnswer, errorAnswer } from './protocol/api-answer.js';
import { type ApiRequestFields, readApiRequest } from './protocol/api-request.js';
import { roll } from './random.js';
import type { SandboxRequestRecord } from './request-log.js';
import type { ResolvedCustomer, ResolvedSandboxOptions } from './resolve-options.js';
import { certificateField, signApplication, type SignerSettings } from './signer.js';
import { sandboxAccountUri } from './caa/caa-check.js';
import { type CaaCorroboration, corroborateCaa, describeCaaCorroboration } from './caa/caa-corroboration.js';
import { SANDBOX_VALIDATION_METHOD } from './caa/caa-policy.js';
import type { SandboxValidationRecord } from './request-log.js';
import { corroborateDomain, type DnsPool, type DomainCorroboration, type PerspectiveSettings } from './validation/perspectives.js';

/** What the handler works with. */
export interface ApiContext {
  readonly options: ResolvedSandboxOptions;
  readonly ca: TestCa;
  readonly store: ApplicationStore;
  readonly signer: SignerSettings;
  /** Resolvers by server list. */
  readonly dnsPool: DnsPool;
  /** The remote perspectives now (the admin API changes their knobs). */
  readonly perspectives: () => readonly PerspectiveSettings[];
  /** Called with the checks of every application that reached them. */
  readonly recordValidation: (record: SandboxValidationRecord) => void;
}

/** An answer with its HTTP status and its log record. */
export interface ApiResult {
  readonly httpStatus: number;
  readonly answer: ApiAnswer;
  readonly record: SandboxRequestRecord;
}

type Draft = Omit<SandboxRequestRecord, 'httpStatus' | 'status'>;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares tokens in constant time (over their SHA-256, so lengths do not leak either). */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

const allowLists = new WeakMap<ResolvedCustomer, (address: string) => boolean>();

function callerAllowed(customer: ResolvedCustomer, address: string): boolean {
  let allow = allowLists.get(customer);
  if (allow === undefined) {
    allow = createIpAllowList(customer.allowedIps);
    allowLists.set(customer, allow);
  }
  return allow(address);
}

function done(draft: Draft, answer: ApiAnswer, detail?: readonly string[], httpStatus = 200): ApiResult {
  const record: SandboxRequestRecord = {
    ...draft,
    httpStatus,
    status: answer.status,
    ...(detail === undefined ? {} : { detail }),
    ...('handle_id' in answer ? { handleId: answer.handle_id } : {}),
  };
  return { httpStatus, answer, record };
}

function fail(draft: Draft, status: CaErrorStatus, detail: string | readonly string[], otherMsg?: string): ApiResult {
  return done(draft, errorAnswer(status, otherMsg), typeof detail === 'string' ? [detail] : detail);
}

function issuedAnswer(record: ApplicationRecord, context: ApiContext): ApiAnswer {
  return {
    result: 'success',
    status: 0,
    handle_id: record.handleId,
    certificate: certificateField(record, context.options.quirks.certificateFormat, context.ca),
  };
}

function retrieve(fields: ApiRequestFields, customer: ResolvedCustomer, draft: Draft, context: ApiContext): ApiResult {
  const handleId = typeof fields.handle_id === 'string' ? fields.handle_id : '';
  const record = context.store.get(handleId);
  const withHandle: Draft = { ...draft, kind: 'retrieve', handleId };
  if (record?.customerId !== customer.customerId) {
    return fail(withHandle, 108, record === undefined ? 'unknown handle' : "another customer's handle");
  }
  if (record.state === 'pending') return done(withHandle, { result: 'pending', status: 1, handle_id: record.handleId });
  if (record.state === 'refused') return fail(withHandle, 109, 'a person refused the pending application');
  return done(withHandle, issuedAnswer(record, context));
}

const DAY_MS = 86_400_000;

/**
 * Why the customer's signfile token cannot be used now, or `undefined` (BR §3.2.2.4.18):
 * the random value must not appear in the request URL, and it is valid for a limited time
 * after the CA gave it out (`signfile.maxAgeDays`, at most 30 days).
 */
export function signfileTokenRefusal(customer: ResolvedCustomer, now: Date): string | undefined {
  const { name, content, issuedAt, maxAgeMs } = customer.signfile;
  if (name.includes(content)) {
    return 'the signfile name contains the signfile token: the random value must not appear in the request URL (BR 3.2.2.4.18)';
  }
  if (issuedAt !== undefined && now.getTime() - issuedAt.getTime() > maxAgeMs) {
    const age = Math.floor((now.getTime() - issuedAt.getTime()) / DAY_MS);
    return `the signfile token was given out ${age} days ago (${issuedAt.toISOString()}); a token is valid for ${Math.round(maxAgeMs / DAY_MS)} days (BR 3.2.2.4.18): ask the CA for a new one`;
  }
  return undefined;
}

/** Log lines of a corroborated check: the primary's attempts, then each remote perspective's verdict. */
function describeCorroboration(result: DomainCorroboration): string[] {
  const lines = [...result.primary.attempts];
  if (!result.primary.ok) return lines;
  for (const remote of result.remote) {
    lines.push(`perspective ${remote.perspective} (${remote.source}): ${remote.ok ? 'ok' : remote.attempts.join('; ')}`);
  }
  if (result.remote.length > 0) {
    lines.push(`${result.remote.length - result.remoteFailures} of ${result.remote.length} remote perspectives corroborate; at most ${result.allowedFailures} may disagree`);
  }
  return lines;
}

async function apply(fields: ApiRequestFields, customer: ResolvedCustomer, draft: Draft, context: ApiContext): Promise<ApiResult> {
  const { options } = context;
  const raw = fields.domain_name;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((item): item is string => typeof item === 'string')) {
    return fail(draft, 105, 'domain_name is not a non-empty array of strings');
  }
  let domains: string[];
  try {
    domains = normalizeDomains(raw);
  } catch (error) {
    if (error instanceof DomainError) return fail(draft, error.code === 'DOMAIN_TOO_MANY' ? 106 : 105, error.message);
    throw error;
  }
  const withDomains: Draft = { ...draft, domains };
  if (typeof fields.csr !== 'string' || fields.csr === '') return fail(withDomains, 104, 'csr is missing');
  const csr = await checkCsr(fields.csr, domains);
  if (!csr.ok) return fail(withDomains, 104, csr.reason);
  const refused = domains.find((domain) => findMatchingPattern(domain, options.refuse) !== undefined);
  if (refused !== undefined) return fail(withDomains, 109, `${refused} matches the refusal list`);
  const [firstDomain = ''] = domains;
  const checks = { caa: new Array<CaaCorroboration>(), perspectives: new Array<DomainCorroboration>() };
  const report = (status: number, extra: { handleId?: string; refusal?: string } = {}): void => {
    context.recordValidation({ at: options.now(), customerId: customer.customerId, domains, status, ...checks, ...extra });
  };
  const detail: string[] = [];
  if (options.validation.dnsServers.length > 0) {
    const requester = { identities: options.caaIdentities, accountUri: sandboxAccountUri(customer.customerId), method: SANDBOX_VALIDATION_METHOD };
    const remote = context.perspectives();
    for (const domain of domains) {
      const caa = await corroborateCaa(domain, requester, options.validation.dnsServers, remote, context.dnsPool, {
        requireDnssec: options.validation.requireDnssec,
      });
      checks.caa.push(caa);
      detail.push(...describeCaaCorroboration(caa));
      if (!caa.allowed) {
        report(109);
        return fail(withDomains, 109, detail, domain);
      }
    }
  }
  const tokenRefusal = signfileTokenRefusal(customer, options.now());
  if (tokenRefusal !== undefined) {
    report(107, { refusal: tokenRefusal });
    return fail(withDomains, 107, [...detail, tokenRefusal], firstDomain);
  }
  if (options.validation.enabled) {
    const remote = context.perspectives();
    for (const domain of domains) {
      const result = await corroborateDomain(domain, customer.signfile, { ...options.validation }, remote, context.dnsPool);
      checks.perspectives.push(result);
      detail.push(...describeCorroboration(result));
      if (!result.ok) {
        report(107);
        return fail(withDomains, 107, detail, domain);
      }
    }
  }
  const record: ApplicationRecord = {
    handleId: newHandleId(),
    customerId: customer.customerId,
    domains,
    publicKey: csr.publicKey,
    keyType: csr.keyType,
    createdAt: options.now(),
    perspectives: checks.perspectives,
    state: 'pending',
  };
  const pendingByDomain = domains.some((domain) => findMatchingPattern(domain, options.pending.domains) !== undefined);
  if (pendingByDomain || roll(options.random, options.pending.share)) {
    context.store.add(record);
    report(1, { handleId: record.handleId });
    return done(withDomains, { result: 'pending', status: 1, handle_id: record.handleId }, detail);
  }
  await signApplication(record, context.signer);
  context.store.add(record);
  report(0, { handleId: record.handleId });
  return done(withDomains, issuedAnswer(record, context), detail);
}

/**
 * Answers one API call.
 *
 * @param body - the request body as text.
 * @param remoteAddress - the caller's address, for the allow-list (spec §1, 110).
 * @returns the answer (HTTP 200 for every ACMAPI answer; HTTP 400 with status 111
 *   for a body that is not a JSON object) and its log record.
 */
export async function handleApiCall(body: string, remoteAddress: string, context: ApiContext): Promise<ApiResult> {
  const draft: Draft = { at: context.options.now(), remoteAddress, kind: 'invalid' };
  const read = readApiRequest(body);
  if (!read.ok) return done(draft, errorAnswer(111), [read.reason], 400);
  const { fields } = read;
  const customerId = typeof fields.customer_id === 'string' ? fields.customer_id : undefined;
  const withCustomer: Draft = customerId === undefined ? draft : { ...draft, customerId: customerId.slice(0, 200) };
  const customer = context.options.customers.find((c) => c.customerId === customerId);
  if (customer === undefined) return fail(withCustomer, 101, 'unknown customer_id');
  if (!callerAllowed(customer, remoteAddress)) return fail(withCustomer, 110, `caller ${remoteAddress} is not allowed`);
  if (typeof fields.auth_token !== 'string' || !tokensEqual(fields.auth_token, customer.authToken)) {
    return fail(withCustomer, 102, 'wrong auth_token');
  }
  const isRetrieve = fields.handle_id !== undefined && fields.handle_id !== '' && fields.handle_id !== null;
  const reqType = fields.req_type;
  const reqTypeMissing = reqType === undefined || reqType === '' || reqType === null;
  if ((reqTypeMissing && !isRetrieve) || (!reqTypeMissing && reqType !== 'cert_apply')) {
    return fail(withCustomer, 103, 'req_type is not cert_apply');
  }
  if (roll(context.options.random, context.options.faults.unknownErrorShare)) {
    return fail(withCustomer, 111, 'injected fault (faults.unknownErrorShare)');
  }
  try {
    return isRetrieve
      ? retrieve(fields, customer, withCustomer, context)
      : await apply(fields, customer, { ...withCustomer, kind: 'apply' }, context);
  } catch (error) {
    return fail(withCustomer, 111, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
