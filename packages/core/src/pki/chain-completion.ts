/**
 * Completing a leaf-only chain (spec §3 lets the CA send the leaf alone) from the
 * certificates' Authority Information Access caIssuers URLs (RFC 5280 §4.2.2.1), as
 * browsers and certbot/lego users expect: `chain.pem` should hold the intermediate.
 *
 * The pure part (`caIssuersUrls`, `issuerUrlToFollow`, `parseIssuerBody`, `checkIssuer`)
 * is unit-tested on data; `completeChain` does the fetching and is thin.
 */
import { interceptors } from 'undici';
import type { Dispatcher } from 'undici';
import { CertificateError, TransportError } from '../errors/errors.js';
import { parseCertificateChain } from './certificate.js';
import type { CertificateChain } from './certificate.js';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { caIssuersUris, certificateNames, nameText } from './certificate-fields.js';
import { decodePemBlocks, encodePem, verifySigned } from './der.js';

/** Every default of {@link CompleteChainOptions}, in one place. */
export const CHAIN_COMPLETION_DEFAULTS = {
  timeoutMs: 10_000,
  maxBodyBytes: 65_536,
  maxHops: 4,
} as const;

/**
 * The caIssuers URIs of a certificate's AIA extension (RFC 5280 §4.2.2.1), in certificate
 * order; none when it has no AIA extension. Any scheme is returned (see {@link issuerUrlToFollow}).
 *
 * @param der - the certificate's DER.
 * @throws {Error} when the DER does not parse as X.509.
 */
export function caIssuersUrls(der: Uint8Array): string[] {
  return caIssuersUris(new X509Certificate(der));
}

/**
 * The first caIssuers URL worth fetching: `http:` (what RFC 5280 §4.2.2.1 expects, since the
 * issuer is needed to check TLS itself) or `https:` (harmless, some CAs use it). `ldap:` and
 * anything else are skipped; `undefined` when none is left.
 */
export function issuerUrlToFollow(urls: readonly string[]): URL | undefined {
  for (const text of urls) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      continue;
    }
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  }
  return undefined;
}

/**
 * The certificate's DER in a caIssuers answer: one DER certificate (`application/pkix-cert`,
 * RFC 5280 §4.2.2.1) or PEM (some CAs serve that). A PKCS#7 "certs-only" bundle is not read.
 *
 * @throws {CertificateError} `CERT_INVALID` with a reason in words when the body is neither.
 */
export function parseIssuerBody(body: Uint8Array): Buffer {
  const text = Buffer.from(body).toString('latin1');
  let der: Buffer;
  if (text.includes('-----BEGIN ')) {
    const block = decodePemBlocks(text).find((candidate) => candidate.label === 'CERTIFICATE');
    if (block === undefined) throw new CertificateError('CERT_INVALID', 'the answer is PEM without a CERTIFICATE block');
    der = block.der;
  } else {
    der = Buffer.from(body);
  }
  try {
    new X509Certificate(der);
  } catch {
    throw new CertificateError('CERT_INVALID', 'the answer is neither a DER nor a PEM certificate (a PKCS#7 bundle is not read)');
  }
  return der;
}

/**
 * Whether `issuerDer` issued `childDer`: the child's issuer name is its subject and the
 * child's signature verifies with its key (RFC 5280 §6.1.3). `undefined` when it did, else why not.
 */
export function checkIssuer(childDer: Uint8Array, issuerDer: Uint8Array): string | undefined {
  const child = new X509Certificate(childDer);
  const issuer = new X509Certificate(issuerDer);
  const childNames = certificateNames(childDer);
  const issuerNames = certificateNames(issuerDer);
  const childIssuer = nameText(child.issuer, childNames.issuer).text;
  const issuerSubject = nameText(issuer.subject, issuerNames.subject).text;
  // Byte equality is the common case; the text form covers names re-encoded with another string type.
  if (!childNames.issuer.equals(issuerNames.subject) && childIssuer.toLowerCase() !== issuerSubject.toLowerCase()) {
    return `it is "${issuerSubject}", not the issuer "${childIssuer}"`;
  }
  let issuerKey: KeyObject;
  try {
    // OpenSSL decodes the key lazily: a fetched certificate with a broken key throws only here.
    issuerKey = issuer.publicKey;
  } catch {
    return 'its public key cannot be read';
  }
  const check = verifySigned(childDer, issuerKey);
  return check.valid ? undefined : `it does not sign the certificate: ${check.reason ?? 'the signature does not verify'}`;
}

/** Whether a certificate is self-signed (a root): its own issuer, and its own key verifies it. */
export function isSelfSigned(der: Uint8Array): boolean {
  return checkIssuer(der, der) === undefined;
}

/** Options of {@link completeChain}. */
export interface CompleteChainOptions {
  /** The transport (the client's: its proxy and extra CA certificates). */
  readonly dispatcher: Dispatcher;
  /**
   * Time for one fetch, connection to last byte, milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Largest issuer certificate read, bytes.
   * @default 65536
   */
  readonly maxBodyBytes?: number;
  /**
   * Most issuers fetched, one after the other.
   * @default 4
   */
  readonly maxHops?: number;
  /** Aborts the fetching; the chain is then returned as it stands, with a warning. @default undefined */
  readonly signal?: AbortSignal | undefined;
}

/** The outcome of {@link completeChain}. */
export interface CompleteChainResult {
  /** The chain, with the fetched intermediates (never the root) after the leaf; as given when none was found. */
  readonly chain: CertificateChain;
  /** Why the chain is still empty, or why a fetched certificate was dropped; in words, for users. */
  readonly warnings: string[];
}

/** GET of one caIssuers URL within a time and size limit; redirects followed (at most 3). */
async function fetchIssuer(url: URL, options: CompleteChainOptions): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? CHAIN_COMPLETION_DEFAULTS.timeoutMs;
  const maxBodyBytes = options.maxBodyBytes ?? CHAIN_COMPLETION_DEFAULTS.maxBodyBytes;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  let answer: Dispatcher.ResponseData;
  try {
    // The dispatcher's own request(), as in client/transport.ts.
    answer = await options.dispatcher.compose(interceptors.redirect({ maxRedirections: 3 })).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { accept: 'application/pkix-cert, application/x-x509-ca-cert, */*' },
      signal,
    });
  } catch (error) {
    if (timeout.aborted) throw new TransportError('TRANSPORT_TIMEOUT', `no answer within ${timeoutMs} ms`, { cause: error, limitMs: timeoutMs, retryable: true });
    throw new TransportError('TRANSPORT_FAILED', reasonOf(error), { cause: error, retryable: true });
  }
  const { statusCode, body } = answer;
  // destroy() below makes undici emit an AbortError; the reason we throw is what matters.
  body.on('error', () => undefined);
  if (statusCode < 200 || statusCode > 299) {
    body.destroy();
    throw new TransportError('TRANSPORT_FAILED', `HTTP ${statusCode}`, { answered: true });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBodyBytes) {
        body.destroy();
        throw new TransportError('TRANSPORT_FAILED', `the answer is larger than ${maxBodyBytes} bytes`, { answered: true, phase: 'body' });
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (timeout.aborted) {
      throw new TransportError('TRANSPORT_TIMEOUT', `no whole answer within ${timeoutMs} ms`, { cause: error, answered: true, phase: 'body', limitMs: timeoutMs, retryable: true });
    }
    if (error instanceof TransportError) throw error;
    throw new TransportError('TRANSPORT_FAILED', reasonOf(error), { cause: error, answered: true, phase: 'body', retryable: true });
  }
  return Buffer.concat(chunks);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Completes a chain that holds no intermediate: from the leaf's AIA caIssuers URL, fetches
 * its issuer, checks that it signs the leaf, and goes on from that issuer, up to `maxHops`,
 * stopping at a self-signed certificate (a root is never added: servers do not send it,
 * and public CAs' fullchains leave it out). Never throws for the network or the answers:
 * what goes wrong becomes a warning and the chain is returned as far as it got.
 *
 * Once an intermediate has been found, a later hop that fails (usually the fetch of the
 * root, which is not needed) ends the walk without a warning.
 *
 * @returns the completed chain (re-parsed with `parseCertificateChain`, so it links), or
 *   the same chain with `warnings` saying why `chainPem` is still empty.
 */
export async function completeChain(chain: CertificateChain, options: CompleteChainOptions): Promise<CompleteChainResult> {
  const maxHops = options.maxHops ?? CHAIN_COMPLETION_DEFAULTS.maxHops;
  const leafBlock = decodePemBlocks(chain.certPem).find((block) => block.label === 'CERTIFICATE');
  if (leafBlock === undefined) return { chain, warnings: [] };
  const warnings: string[] = [];
  const found: Buffer[] = [];
  const seen = new Set<string>();
  let current = leafBlock.der;
  const emptyChain = 'chain.pem is empty: the CA sent the leaf alone and';
  for (let hop = 0; hop < maxHops; hop++) {
    const first = found.length === 0;
    const url = issuerUrlToFollow(caIssuersUrls(current));
    if (url === undefined) {
      if (first) warnings.push(`${emptyChain} the leaf names no http: or https: issuer URL (AIA caIssuers) to fetch its issuer from.`);
      break;
    }
    if (seen.has(url.href)) break;
    seen.add(url.href);
    let issuerDer: Buffer;
    try {
      issuerDer = parseIssuerBody(await fetchIssuer(url, options));
    } catch (error) {
      if (first) warnings.push(`${emptyChain} its issuer could not be fetched from ${url.href}: ${reasonOf(error)}.`);
      break;
    }
    const problem = checkIssuer(current, issuerDer);
    if (problem !== undefined) {
      warnings.push(`The certificate at ${url.href} was dropped: ${problem}.${first ? ` ${emptyChain} its issuer could not be found.` : ''}`);
      break;
    }
    if (isSelfSigned(issuerDer)) break;
    found.push(issuerDer);
    current = issuerDer;
  }
  if (found.length === 0) return { chain, warnings };
  const bundle = chain.certPem + found.map((der) => encodePem('CERTIFICATE', der)).join('');
  return { chain: parseCertificateChain(bundle), warnings };
}
