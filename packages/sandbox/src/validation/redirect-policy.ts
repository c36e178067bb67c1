/**
 * The redirect rules of the signfile check as pure functions (spec §5, BR §3.2.2.4.18):
 * redirects are followed only for 301, 302, 307 and 308 with a `Location`, only to
 * `http` or `https` URLs on ports 80 or 443, to domain names (never IP addresses), at
 * most a few times and never in a loop.
 *
 * Kept apart from core's preflight rules on purpose: the sandbox is the independent peer
 * the preflight is tested against, so a shared bug would pass both.
 */
import { isIP } from 'node:net';


/** Status codes whose `Location` is followed (BR §3.2.2.4.18). */
export const FOLLOWED_REDIRECT_STATUSES: readonly number[] = [301, 302, 307, 308];

/** The only ports a validation URL may name (BR "Authorized Ports" for this method). */
export const AUTHORIZED_PORTS: readonly number[] = [80, 443];

/** What to do with one HTTP answer during the signfile check. */
export type HopDecision =
  /** A 200 answer: its body is checked for the signfile's token. */
  | { readonly action: 'check-body' }
  /** A redirect to follow. */
  | { readonly action: 'follow'; readonly url: URL }
  /** The check fails for this URL; `reason` is for logs. */
  | { readonly action: 'fail'; readonly reason: string };

/** One HTTP answer and where the check stands. */
export interface HopInput {
  /** The URL that was requested. */
  readonly url: URL;
  /** The answer's HTTP status. */
  readonly status: number;
  /** The answer's `Location` header, if any. */
  readonly location: string | undefined;
  /** Redirects already followed to reach `url`. */
  readonly redirects: number;
  /** The URLs (`href`) requested so far, `url` included. */
  readonly visited: ReadonlySet<string>;
  /** The most redirects to follow. @default 10 */
  readonly maxRedirects?: number;
}

/** The port a URL connects to: its explicit port, or its scheme's default. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Why a URL may not be requested during the signfile check, or `undefined` when it
 * may: only `http:`/`https:` on port 80 or 443, without credentials, to a domain name.
 * An IP-address host is refused as Boulder refuses it: the method proves control of a
 * domain (spec §4 rejects IP addresses), and a redirect to an address would let the
 * check be answered by whatever listens there. The WHATWG parser has already turned
 * spellings like `0x7f.1` or `2130706433` into dotted IPv4, so they are caught too.
 */
export function urlRefusal(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not http or https`;
  const port = effectivePort(url);
  if (!AUTHORIZED_PORTS.includes(port)) return `port ${port} is not 80 or 443`;
  if (url.username !== '' || url.password !== '') return 'URL carries credentials';
  if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0) return `host ${url.hostname} is an IP address, not a domain name`;
  return undefined;
}

/**
 * Decides what to do with one answer of the signfile check (spec §5): 200 → check
 * the body; 301/302/307/308 with a `Location` that resolves to an allowed, unseen
 * URL within the redirect budget → follow it; anything else → fail with a reason.
 */
export function decideHop(input: HopInput): HopDecision {
  const maxRedirects = input.maxRedirects ?? 10;
  if (input.status === 200) return { action: 'check-body' };
  if (!FOLLOWED_REDIRECT_STATUSES.includes(input.status)) {
    return { action: 'fail', reason: `HTTP ${input.status} from ${input.url.href}` };
  }
  if (input.location === undefined || input.location.trim() === '') {
    return { action: 'fail', reason: `HTTP ${input.status} without Location from ${input.url.href}` };
  }
  let next: URL;
  try {
    next = new URL(input.location.trim(), input.url);
  } catch {
    return { action: 'fail', reason: `unparsable Location ${JSON.stringify(input.location)} from ${input.url.href}` };
  }
  next.hash = '';
  const refusal = urlRefusal(next);
  if (refusal !== undefined) return { action: 'fail', reason: `redirect to ${next.href} refused: ${refusal}` };
  if (input.redirects >= maxRedirects) {
    return { action: 'fail', reason: `more than ${maxRedirects} redirects (at ${input.url.href})` };
  }
  if (input.visited.has(next.href)) return { action: 'fail', reason: `redirect loop back to ${next.href}` };
  return { action: 'follow', url: next };
}

/** Whether a signfile body passes: it contains the token (containment, as the BR asks). */
export function bodyContainsToken(body: string, token: string): boolean {
  return token.length > 0 && body.includes(token);
}
