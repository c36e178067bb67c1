/**
 * Which redirects the CA follows while fetching the signfile, BR §3.2.2.4.18:
 * "Redirects MUST be the result of a 301, 302, 307, or 308 HTTP status code
 * response … to resource URLs with either the http or https scheme … accessed
 * via Ports 80 or 443". Spec §5. Pure.
 */

/** Statuses the CA follows. */
export const FOLLOWED_REDIRECT_STATUSES: readonly number[] = [301, 302, 307, 308];

/** Ports a redirect may lead to, whatever the scheme. */
export const ALLOWED_REDIRECT_PORTS: readonly number[] = [80, 443];

/** Why the CA would not follow a redirect. */
export type RedirectRefusalReason =
  /** A 3xx other than 301, 302, 307, 308 (e.g. 300, 303, 304). */
  | 'status'
  /** No `Location` header. */
  | 'no-location'
  /** A `Location` that is not a URL. */
  | 'bad-location'
  /** A scheme other than http or https. */
  | 'scheme'
  /** A port other than 80 or 443. */
  | 'port'
  /**
   * A host that ends in `.well-known`: the redirect lost the slash between the
   * host and the path (Apache's `Redirect / https://example.com` without its
   * trailing slash), so it names a host that cannot exist.
   */
  | 'lost-slash';

/** A redirect the CA would not follow, with what it was. */
export interface RedirectRefusal {
  readonly reason: RedirectRefusalReason;
  /** The redirect's status. */
  readonly status: number;
  /** The `Location` header, as sent (absent for `no-location`). */
  readonly location?: string;
  /** The refused scheme, e.g. `ftp`, for `scheme`. */
  readonly scheme?: string;
  /** The refused port, for `port`. */
  readonly port?: number;
}

/** What {@link checkRedirect} decided. */
export type RedirectDecision =
  | { readonly follow: true; readonly url: URL }
  | { readonly follow: false; readonly refusal: RedirectRefusal };

/** Whether `status` is a redirect at all (any 3xx), which the preflight must judge. */
export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status <= 399;
}

/** The effective port of an http(s) URL: the explicit one, else 80 or 443. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Decides whether the CA follows a redirect answer. The `Location` is resolved
 * against `fromUrl` (relative locations are allowed); the target's fragment is dropped.
 *
 * @param fromUrl - the URL that answered with the redirect.
 * @param status - its HTTP status (any 3xx).
 * @param location - its `Location` header, if any.
 * @returns `{ follow: true, url }` or `{ follow: false, refusal }`.
 */
export function checkRedirect(fromUrl: URL | string, status: number, location: string | undefined): RedirectDecision {
  const refuse = (refusal: RedirectRefusal): RedirectDecision => ({ follow: false, refusal });
  const withLocation = location === undefined ? {} : { location };
  if (!FOLLOWED_REDIRECT_STATUSES.includes(status)) return refuse({ reason: 'status', status, ...withLocation });
  if (location === undefined || location.trim() === '') return refuse({ reason: 'no-location', status });
  let url: URL;
  try {
    url = new URL(location.trim(), fromUrl);
  } catch {
    return refuse({ reason: 'bad-location', status, location });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse({ reason: 'scheme', status, location, scheme: url.protocol.slice(0, -1) });
  }
  const port = effectivePort(url);
  if (!ALLOWED_REDIRECT_PORTS.includes(port)) return refuse({ reason: 'port', status, location, port });
  if (url.hostname.endsWith('.well-known')) return refuse({ reason: 'lost-slash', status, location });
  url.hash = '';
  return { follow: true, url };
}
