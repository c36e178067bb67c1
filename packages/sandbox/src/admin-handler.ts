/**
 * The admin API (spec §6: "pending applications that a person approves or refuses"):
 * `POST /admin/approve` and `POST /admin/refuse` with `{"handle_id": "..."}`, and
 * `GET /admin/applications`; `GET /admin/validations` (each application's CAA and
 * perspective results), `GET /admin/policy`, and `POST /admin/perspectives` with
 * `{"index": N, "dnsServers"?, "addresses"?, "body"?, "timeout"?}` (a perspective's knobs;
 * only `index` resets it); all with `Authorization: Bearer <admin token>`.
 */
import { OptionsError } from '@acmapi/core';
import { tokensEqual } from './api-handler.js';
import type { ApplicationStore, SandboxApplication } from './applications.js';
import { SandboxError } from './sandbox-error.js';
import type { SandboxPerspective } from './sandbox.js';
import type { PerspectiveSettings } from './validation/perspectives.js';

/** An admin answer: HTTP status and JSON body. */
export interface AdminResult {
  readonly httpStatus: number;
  readonly body: unknown;
}

/** Whether an `Authorization` header carries the admin token. */
export function adminAuthorized(header: string | undefined, adminToken: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] !== undefined && tokensEqual(match[1], adminToken);
}

/** Reads `handle_id` from an admin request body, or `undefined`. */
export function handleIdOf(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const handle = (value as Record<string, unknown>)['handle_id'];
    return typeof handle === 'string' && handle.trim() !== '' ? handle.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs one decision on a pending application and maps the outcome to HTTP:
 * 200 with the application, 400 without `handle_id`, 404 for an unknown handle,
 * 409 for an application that is not pending.
 */
export async function decide(
  body: string,
  act: (handleId: string) => Promise<SandboxApplication> | SandboxApplication,
): Promise<AdminResult> {
  const handleId = handleIdOf(body);
  if (handleId === undefined) return { httpStatus: 400, body: { error: 'expected JSON {"handle_id": "..."}' } };
  try {
    return { httpStatus: 200, body: { application: await act(handleId) } };
  } catch (error) {
    if (error instanceof SandboxError) {
      return { httpStatus: error.code === 'SANDBOX_UNKNOWN_HANDLE' ? 404 : 409, body: { error: error.message, code: error.code } };
    }
    throw error;
  }
}

/** The list of every application. */
export function listApplications(store: ApplicationStore): AdminResult {
  return { httpStatus: 200, body: { applications: store.list() } };
}

/**
 * Sets one perspective's knobs from an admin body: 200 with the perspective, 400 for a body
 * that is not such an object or has invalid settings, 404 for an index without a perspective.
 */
export function setPerspectiveFromBody(
  body: string,
  set: (index: number, settings: PerspectiveSettings) => SandboxPerspective,
): AdminResult {
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as Record<string, unknown>)['index'] !== 'number') {
    return { httpStatus: 400, body: { error: 'expected JSON {"index": N, "dnsServers"?, "addresses"?, "body"?, "timeout"?}' } };
  }
  const { index, ...settings } = value as Record<string, unknown>;
  try {
    return { httpStatus: 200, body: { perspective: set(index as number, settings) } };
  } catch (error) {
    if (error instanceof OptionsError) return { httpStatus: 400, body: { error: error.message, code: error.code } };
    if (error instanceof SandboxError) return { httpStatus: 404, body: { error: error.message, code: error.code } };
    throw error;
  }
}
