/**
 * The words of a preflight failure: one message naming the domain, address,
 * URL and what happened, and one hint saying what to do (spec §5). Pure.
 */
import { displayText } from '../text/display-text.js';
import type { CaaDecision } from './caa.js';
import type { RedirectRefusal } from './redirect-policy.js';
import type { SignfileBodyCheck } from './signfile-body.js';
import type { PreflightFailure, PreflightFailureKind, PreflightRemedy, PreflightTimeoutPhase } from './types.js';

/** What is known about a failure when it is described. */
export interface FailureContext {
  readonly kind: PreflightFailureKind;
  readonly domain: string;
  /** The URL fetched when it failed. */
  readonly url?: string;
  /** The address dialled. */
  readonly address?: string;
  /** The port dialled, when it differs from the URL's (an httpPort/httpsPort override). */
  readonly port?: number;
  readonly status?: number;
  readonly phase?: PreflightTimeoutPhase;
  /** The limit that passed for a timeout, milliseconds. */
  readonly limitMs?: number;
  readonly redirect?: RedirectRefusal;
  readonly content?: SignfileBodyCheck;
  /** The resolver's or the socket's error code. */
  readonly code?: string;
  /** The `Server` header of the answer, when there was one. */
  readonly server?: string;
  /** The local file the signfile was written to (`deployWebroot`), for a 404. */
  readonly localPath?: string;
  /** For `body-too-large`: the body cap the answer went past. */
  readonly truncatedAt?: number;
  /** The number of redirects followed, for `too-many-redirects`. */
  readonly redirects?: number;
  /** For the `caa-*` kinds: the decision that refused. */
  readonly caa?: CaaDecision;
  /** For `signfile-name-contains-token`: the signfile name. */
  readonly signfileName?: string;
}

function at(context: FailureContext): string {
  if (context.address === undefined) return context.domain;
  const shown = context.address.includes(':') ? `[${context.address}]` : context.address;
  return `${context.domain} at ${shown}${context.port === undefined ? '' : ` (port ${context.port})`}`;
}

function redirectWhat(refusal: RedirectRefusal): { message: string; hint: string } {
  // The Location header is the web server's string: shown escaped, never raw (issue 11, finding 2).
  const location = refusal.location === undefined ? '' : ` to ${displayText(refusal.location)}`;
  switch (refusal.reason) {
    case 'status':
      return {
        message: `a ${refusal.status} redirect${location}, which the CA does not follow (only 301, 302, 307, 308)`,
        hint: `Answer the signfile URL with 200, or redirect with 301, 302, 307 or 308.`,
      };
    case 'no-location':
      return { message: `a ${refusal.status} redirect without a Location header`, hint: 'Give the redirect a Location, or serve the file directly.' };
    case 'bad-location':
      return { message: `a ${refusal.status} redirect${location}, which is not a valid URL`, hint: 'Fix the redirect\'s Location, or serve the file directly.' };
    case 'scheme':
      return {
        message: `a ${refusal.status} redirect${location}: scheme ${refusal.scheme ?? '?'} is not allowed (only http and https)`,
        hint: 'Redirect the signfile URL only to http:// or https:// URLs.',
      };
    case 'port':
      return {
        message: `a ${refusal.status} redirect${location}: port ${refusal.port ?? '?'} is not allowed (only 80 and 443)`,
        hint: `The CA only follows redirects to ports 80 and 443 (BR §3.2.2.4.18), whatever your port mapping: serve /.well-known/pki-validation/ on port 80 or 443 without redirecting to port ${refusal.port ?? '?'}.`,
      };
    case 'lost-slash':
      return {
        message: `a ${refusal.status} redirect${location}: the redirect lost the slash between host and path, so it names a host that does not exist`,
        hint: 'The redirect target lacks its trailing slash (Apache "Redirect / https://example.com" must be "Redirect / https://example.com/"). Add the slash.',
      };
  }
}

const CONTENT_HINTS: Readonly<Record<SignfileBodyCheck['kind'], string>> = {
  exact: '',
  contained: '',
  bom: 'The file starts with a byte-order mark: save it as UTF-8 without BOM (a deployed signfile has the exact bytes).',
  crlf: 'The file has Windows (CRLF) line ends: save it with LF line ends, or have the signfile deployed for you (exact bytes), and check that no FTP transfer in text mode converts it.',
  'trailing-whitespace': 'The file has white space the signfile does not have: save the exact bytes, or have the signfile deployed for you.',
  html: 'An HTML page came back instead of the signfile: a CMS, a single-page app\'s fallback route or a custom error page answers this URL. Exclude /.well-known/pki-validation/ from rewrites.',
  empty: 'The file is empty: deploy the signfile\'s content, not an empty file.',
  'other-token': 'Another token is served: an old or foreign signfile is in place, or a cache/CDN serves a stale copy. Deploy the current signfile and purge caches.',
  missing: 'The body does not contain the signfile: check that this URL serves the signfile and nothing else.',
};

/** The kinds whose failure carries the resolver's error code. */
const CODE_KINDS: ReadonlySet<PreflightFailureKind> = new Set(['dns-error', 'dns-servfail', 'dns-timeout', 'caa-lookup-failed']);

/**
 * Builds the failure: message (facts) and hint (neutral advice) for its kind, and the
 * `remedy` a front end may word as its own flag or setting. For a 404 the hint names
 * the local path written (when `localPath` is known) and says whether the server is IIS
 * (which serves no extensionless file by default: remedy `iis-web-config`).
 */
export function describeFailure(context: FailureContext): PreflightFailure {
  const where = at(context);
  const url = context.url ?? '';
  let message: string;
  let hint: string;
  let remedy: PreflightRemedy | undefined;
  switch (context.kind) {
    case 'dns-no-such-name':
      message = `${context.domain} does not exist in DNS (${context.code ?? 'ENOTFOUND'}).`;
      hint = 'Create the A/AAAA records for the domain (or fix its spelling); for split-horizon DNS, give the preflight a DNS override with the addresses to check.';
      remedy = 'dns-override';
      break;
    case 'dns-no-address':
      message = `${context.domain} has no A or AAAA record.`;
      hint = 'Add an A (and/or AAAA) record pointing at the web server.';
      break;
    case 'dns-error':
      message = `DNS did not answer for ${context.domain} (${context.code ?? 'error'}).`;
      hint = 'Check the resolver configuration of this machine and the domain\'s name servers, then try again.';
      break;
    case 'dns-servfail':
      message = `The DNS server answered SERVFAIL for ${context.domain} (${context.code ?? 'ESERVFAIL'}).`;
      hint = 'The domain\'s name servers fail (a broken DNSSEC signature, a lame delegation): a CA refuses on SERVFAIL, so fix the zone before applying.';
      break;
    case 'dns-timeout':
      message = `No DNS server answered for ${context.domain} in time (${context.code ?? 'ETIMEOUT'}).`;
      hint = 'Check that the DNS servers asked are reachable and that the domain\'s name servers answer; a CA refuses when they do not.';
      break;
    case 'caa-forbids':
      message = context.caa?.message ?? `CAA forbids the CA to issue for ${context.domain}.`;
      hint = 'Add a CAA issue record naming the CA (or remove the restriction), at the name that decided or below it; with accounturi or validationmethods, name this account and the method the CA uses.';
      break;
    case 'caa-critical-unknown-tag':
      message = context.caa?.message ?? `CAA at ${context.domain} has a critical record the CA does not know.`;
      hint = 'Remove the critical flag (128) from that record, or remove the record: no CA issues past a critical tag it does not know.';
      break;
    case 'caa-lookup-failed':
      message = context.caa?.message ?? `The CAA lookup for ${context.domain} failed (${context.code ?? 'error'}).`;
      hint = 'The name servers must answer CAA queries (NOERROR, even when empty): a CA refuses on SERVFAIL or a timeout. Fix the zone or its DNSSEC, then try again.';
      break;
    case 'signfile-name-contains-token':
      message = `The signfile name ${JSON.stringify(displayText(context.signfileName ?? ''))} contains the signfile's token, so the token would appear in the URL the CA fetches; the CA refuses this (BR 3.2.2.4.18).`;
      hint = 'Use a signfile name that does not contain the token (the default name is "signfile").';
      break;
    case 'connection-refused':
      message = `${where}: ${url} was refused (ECONNREFUSED): nothing listens there.`;
      hint = 'Start the web server on this address and port, or fix the DNS record that points here.';
      break;
    case 'timeout':
      message = `${where}: ${url} timed out ${
        context.phase === 'connect' ? 'connecting' : context.phase === 'headers' ? 'waiting for the answer' : context.phase === 'body' ? 'while the body arrived' : 'before the overall deadline'
      }${context.limitMs === undefined ? '' : ` (${context.limitMs} ms)`}.`;
      hint = context.phase === 'connect'
        ? 'A firewall may drop the traffic, or the address is not this server\'s. Open port 80/443 to the CA.'
        : 'The server accepted the connection but did not answer in time: check the web server and any proxy in front of it.';
      break;
    case 'tls-handshake':
      message = `${where}: the TLS handshake for ${url} failed (${context.code ?? 'error'}).`;
      hint = 'HTTPS is broken on this address; fix its TLS configuration or make sure http:// serves the signfile (the CA may use either).';
      break;
    case 'connection-failed':
      message = `${where}: the connection for ${url} broke (${context.code ?? 'error'}).`;
      hint = 'Check the web server\'s error log for this request.';
      break;
    case 'http-status': {
      const status = context.status ?? 0;
      message = `${where}: ${url} answered ${status}${context.localPath === undefined || status !== 404 ? '' : `; the signfile was written to ${context.localPath}`}.`;
      if (status === 404 && context.server?.toLowerCase().includes('microsoft-iis') === true) {
        hint = 'IIS serves no file without an extension by default: write a web.config in pki-validation/ that maps the extensionless signfile to text/plain.';
        remedy = 'iis-web-config';
      } else if (status === 404 && context.localPath !== undefined) {
        hint = `The file exists at ${context.localPath}, but the web server does not serve that folder for ${context.domain} on this address: the webroot is wrong, or another server block/virtual host answers here.`;
      } else if (status === 404) {
        hint = 'Put the signfile at /.well-known/pki-validation/ in the document root of this site, or check which site answers on this address.';
      } else if (status === 401 || status === 403) {
        hint = 'Access to /.well-known/pki-validation/ is denied: allow anonymous reads there (auth, IP filters, deny rules for dot-folders).';
      } else {
        hint = 'The server must answer 200 with the signfile; check its error log for this URL.';
      }
      break;
    }
    case 'redirect-not-allowed': {
      const what = context.redirect === undefined ? { message: 'a redirect the CA does not follow', hint: '' } : redirectWhat(context.redirect);
      message = `${where}: ${url} answered ${what.message}.`;
      hint = what.hint;
      break;
    }
    case 'redirect-loop':
      message = `${where}: ${url} redirects in a loop back to a URL already fetched.`;
      hint = 'Break the redirect loop for /.well-known/pki-validation/ (often an http→https and https→http pair, or a CDN in "flexible" TLS mode).';
      break;
    case 'too-many-redirects':
      message = `${where}: more than ${context.redirects ?? 10} redirects starting from ${url}.`;
      hint = 'Shorten the redirect chain: serve the signfile directly or after one redirect.';
      break;
    case 'content-mismatch': {
      const kind = context.content?.kind ?? 'missing';
      message = `${where}: ${url} served ${kind === 'html' ? 'an HTML page' : kind === 'other-token' ? 'another token' : kind === 'empty' ? 'an empty file' : `content that does not contain the signfile (${kind})`}: "${context.content?.excerpt ?? ''}".`;
      hint = CONTENT_HINTS[kind];
      break;
    }
    case 'body-too-large':
      message = `${where}: ${url} answered with more than ${context.truncatedAt ?? 'the allowed'} bytes; the CA reads only a small response and would refuse this one.`;
      hint = 'Serve the signfile on its own at this URL (not inside a larger page), so the answer is just its content.';
      break;
    case 'aborted':
      message = `The preflight of ${context.domain} was aborted.`;
      hint = 'Run it again.';
      break;
  }
  return {
    kind: context.kind,
    message,
    hint,
    ...(remedy === undefined ? {} : { remedy }),
    ...(context.url === undefined ? {} : { url: context.url }),
    ...(context.address === undefined ? {} : { address: context.address }),
    ...(context.status === undefined ? {} : { status: context.status }),
    ...(context.phase === undefined ? {} : { phase: context.phase }),
    ...(context.redirect === undefined ? {} : { redirect: context.redirect }),
    ...(context.content === undefined ? {} : { content: context.content }),
    ...(context.caa === undefined ? {} : { caa: context.caa }),
    ...(context.code === undefined || !CODE_KINDS.has(context.kind) ? {} : { code: context.code }),
  };
}

/** The warning shown for a body that passes yet differs (`bom`, `crlf`, `trailing-whitespace`), else undefined. */
export function contentWarning(content: SignfileBodyCheck): string | undefined {
  if (content.kind !== 'bom' && content.kind !== 'crlf' && content.kind !== 'trailing-whitespace') return undefined;
  return `passes by containment but is not exact (${content.kind}): ${CONTENT_HINTS[content.kind]}`;
}
