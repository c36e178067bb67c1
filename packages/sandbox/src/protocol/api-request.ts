/**
 * Reading an API request body (spec §2). The sandbox is liberal in what it accepts
 * from clients, as the source's own examples are: keys and string values are
 * trimmed of surrounding white space (`"customer_id "`, `" cert_apply"`).
 */

/** An API request's fields, trimmed; anything else the client sent is ignored. */
export interface ApiRequestFields {
  readonly customer_id?: unknown;
  readonly auth_token?: unknown;
  readonly req_type?: unknown;
  readonly handle_id?: unknown;
  readonly domain_name?: unknown;
  readonly csr?: unknown;
}

/** A body that is not a JSON object; answered with HTTP 400 and status 111. */
export interface UnreadableRequest {
  readonly ok: false;
  readonly reason: string;
}

/** The result of {@link readApiRequest}. */
export type ReadApiRequestResult = { readonly ok: true; readonly fields: ApiRequestFields } | UnreadableRequest;

function trimValue(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' ? item.trim() : item));
  return value;
}

/** Parses a request body as a JSON object with trimmed keys and string values. */
export function readApiRequest(body: string): ReadApiRequestResult {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  const fields: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) fields[key.trim()] = trimValue(item);
  return { ok: true, fields };
}
