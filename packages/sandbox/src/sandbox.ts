/**
 * The reference server of spec §6, in-process: `startSandbox` listens, `close` stops.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { ApplicationStore, type SandboxApplication, viewOf } from './applications.js';
import { route, type RouteContext } from './http-server.js';
import { DEMO_CUSTOMER } from './options.js';
import type { SandboxOptions, SandboxOutage } from './options.js';
import { createServerCredentials, createTestCa } from './pki/test-ca.js';
import { RequestLog, type SandboxRequestRecord, type SandboxValidationRecord } from './request-log.js';
import { resolvePerspective, resolveSandboxOptions } from './resolve-options.js';
import { SANDBOX_VALIDATION_METHOD } from './caa/caa-policy.js';
import { sandboxAccountUri } from './caa/caa-check.js';
import { allowedNonCorroborations, DnsPool, type PerspectiveSettings, perspectiveSource } from './validation/perspectives.js';
import { SandboxError } from './sandbox-error.js';
import { signApplication, type SignerSettings } from './signer.js';

/** URLs of the sandbox's CA certificates. */
export interface SandboxCaUrls {
  /** `GET /ca/root.pem` */
  readonly rootPem: string;
  /** `GET /ca/intermediate.pem` */
  readonly intermediatePem: string;
  /** `GET /ca/root.der` */
  readonly rootDer: string;
  /** `GET /ca/intermediate.der` (the AIA caIssuers URL of every certificate). */
  readonly intermediateDer: string;
}

/** A customer as shown in banners and tests: everything but the auth token. */
export interface SandboxCustomerSummary {
  readonly customerId: string;
  readonly signfile: { readonly name: string; readonly content: string };
  readonly allowedIps: readonly string[];
  /**
   * The auth token, only for the built-in {@link DEMO_CUSTOMER} (public on purpose, so
   * the banner alone is enough to try the sandbox); absent for configured customers.
   */
  readonly publicAuthToken?: string;
}

/** A remote perspective as the sandbox and its admin API show it. */
export interface SandboxPerspective extends PerspectiveSettings {
  /** 0-based index. */
  readonly index: number;
  /** Its IPv4 source address, 127.0.0.(10+index). */
  readonly source: string;
}

/** The CA's validation policy (`GET /admin/policy`). */
export interface SandboxPolicy {
  /** Issuer domain names CAA records must name. */
  readonly caaIdentities: readonly string[];
  /** The RFC 8657 `validationmethods` name of the file method. */
  readonly validationMethod: string;
  /** A customer's RFC 8657 `accounturi`, with `{customerId}` for the id. */
  readonly accountUriTemplate: string;
  /** DNS servers of the primary perspective (`[]`: no DNS; CAA not checked). */
  readonly dnsServers: readonly string[];
  /** Whether a CAA answer counts only with the resolver's AD bit (DNSSEC-validated, BR 3.2.2.8; `validation.requireDnssec`). */
  readonly requireDnssec: boolean;
  /** The remote perspectives and their knobs. */
  readonly perspectives: readonly SandboxPerspective[];
  /** How many remote perspectives may disagree (BR §3.2.2.9). */
  readonly allowedNonCorroborations: number;
  /** `default` or `short`, or `fixed` when `validityDays`/`validitySeconds` is set. */
  readonly validityProfile: string;
}

/** A running sandbox. */
export interface Sandbox {
  /** The API endpoint, e.g. `https://127.0.0.1:40123/`. */
  readonly url: string;
  /** Whether the API is served over HTTPS. */
  readonly tls: boolean;
  /** This run's CA certificates, PEM. */
  readonly caCertificates: { readonly rootPem: string; readonly intermediatePem: string };
  /** The root as PEM, for a client's `ca` option (the server's chain includes the intermediate). */
  readonly caBundlePem: string;
  /** Where the CA certificates are served. */
  readonly caUrls: SandboxCaUrls;
  /** Base URL of the admin endpoints, e.g. `https://127.0.0.1:40123/admin/`. */
  readonly adminUrl: string;
  /** The admin endpoints' Bearer token (given or generated). A secret of the sandbox. */
  readonly adminToken: string;
  /** The registered customers, without tokens. */
  readonly customers: readonly SandboxCustomerSummary[];
  /**
   * Signs a pending application's certificate; the next retrieve gets status 0.
   * @throws {SandboxError} `SANDBOX_UNKNOWN_HANDLE` or `SANDBOX_NOT_PENDING`.
   */
  approve(handleId: string): Promise<SandboxApplication>;
  /**
   * Refuses a pending application; the next retrieve gets 109.
   * @throws {SandboxError} `SANDBOX_UNKNOWN_HANDLE` or `SANDBOX_NOT_PENDING`.
   */
  refuse(handleId: string): SandboxApplication;
  /** Every application that passed all checks (issued, pending or refused), oldest first. */
  applications(): readonly SandboxApplication[];
  /**
   * The checks (CAA, every perspective's signfile check) of the newest `maxLoggedRequests`
   * applications that reached them, refused ones included, oldest first (`GET /admin/validations`).
   */
  validations(): readonly SandboxValidationRecord[];
  /** The validation policy: CAA identities, perspectives and their knobs (`GET /admin/policy`). */
  policy(): SandboxPolicy;
  /**
   * Replaces remote perspective `index`'s settings and fault knobs (`{}` resets it);
   * `POST /admin/perspectives` with `{"index": N, ...settings}`.
   * @throws {OptionsError} `OPTIONS_INVALID` for invalid settings.
   * @throws {SandboxError} `SANDBOX_UNKNOWN_PERSPECTIVE` for an index without a perspective.
   */
  setPerspective(index: number, settings: PerspectiveSettings): SandboxPerspective;
  /**
   * The API calls (`POST /`) received, oldest first, without secrets (not those turned away by
   * an outage): every one, up to the newest `maxLoggedRequests` (default 10,000). A new array
   * on every read.
   */
  readonly requests: readonly SandboxRequestRecord[];
  /** How many API calls were dropped from {@link Sandbox.requests} to keep it within `maxLoggedRequests`. */
  readonly requestsDropped: number;
  /**
   * Starts (`'http-503'`, `'connection-reset'`, see {@link SandboxOutage}) or ends (`false`) an
   * outage of the whole server: API, CA files and admin. Requests turned away are counted in
   * {@link Sandbox.outageRejections}, not logged in {@link Sandbox.requests} (the CA never saw them).
   */
  setOutage(outage: SandboxOutage | false): void;
  /** How many requests an outage turned away since the start. */
  readonly outageRejections: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * Starts a sandbox: a fresh test CA, then a server on `host:port`.
 *
 * @param options - see {@link SandboxOptions}; every field optional.
 * @returns the running sandbox; call `close()` when done.
 * @throws {OptionsError} `OPTIONS_INVALID` for invalid options (before any I/O).
 * @throws the listen error (e.g. `EADDRINUSE`) when the port cannot be had.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveSandboxOptions(options);
  // Valid from the earlier of the two clocks: the simulated one for issued certificates, the
  // real one for the HTTPS certificate that TLS clients check against the system time.
  const simulatedStart = resolved.now();
  const realStart = new Date();
  const ca = await createTestCa(simulatedStart < realStart ? simulatedStart : realStart);
  const store = new ApplicationStore();
  const requests = new RequestLog(resolved.maxLoggedRequests);
  const validations = new RequestLog<SandboxValidationRecord>(resolved.maxLoggedRequests);
  const perspectives: PerspectiveSettings[] = [...resolved.perspectives];
  const dnsPool = new DnsPool(resolved.validation.dnsTimeoutMs);
  const perspectiveView = (index: number): SandboxPerspective => ({ index, source: perspectiveSource(index), ...perspectives[index] });
  const policy = (): SandboxPolicy => ({
    caaIdentities: [...resolved.caaIdentities],
    validationMethod: SANDBOX_VALIDATION_METHOD,
    accountUriTemplate: sandboxAccountUri('{customerId}').replace(encodeURIComponent('{customerId}'), '{customerId}'),
    dnsServers: [...resolved.validation.dnsServers],
    requireDnssec: resolved.validation.requireDnssec,
    perspectives: perspectives.map((_settings, index) => perspectiveView(index)),
    allowedNonCorroborations: allowedNonCorroborations(perspectives.length),
    validityProfile: resolved.validityMs === undefined ? resolved.validityProfile : 'fixed',
  });
  const setPerspective = (index: number, settings: PerspectiveSettings): SandboxPerspective => {
    if (!Number.isInteger(index) || index < 0 || index >= perspectives.length) {
      throw new SandboxError('SANDBOX_UNKNOWN_PERSPECTIVE', `No remote perspective has index ${String(index)} (there are ${perspectives.length}).`);
    }
    perspectives[index] = resolvePerspective(settings, `perspectives[${index}]`);
    return perspectiveView(index);
  };
  const signer: { -readonly [K in keyof SignerSettings]: SignerSettings[K] } = {
    ca,
    validityMs: resolved.validityMs,
    validityProfile: resolved.validityProfile,
    backdateMs: resolved.backdateMs,
    caIssuersUrl: '',
    wrongKeyShare: resolved.faults.wrongKeyShare,
    random: resolved.random,
    now: resolved.now,
  };
  const approve = async (handleId: string): Promise<SandboxApplication> => {
    const record = store.pending(handleId);
    await signApplication(record, signer);
    return viewOf(record);
  };
  const refuse = (handleId: string): SandboxApplication => {
    const record = store.pending(handleId);
    record.state = 'refused';
    return viewOf(record);
  };
  const context: RouteContext = {
    options: resolved,
    ca,
    store,
    signer,
    log: (record) => {
      requests.push(record);
    },
    approve,
    refuse,
    dnsPool,
    perspectives: () => perspectives,
    recordValidation: (record) => {
      validations.push(record);
    },
    policy,
    setPerspective,
    validations: () => validations.list(),
  };
  let outage: SandboxOutage | false = false;
  let outageRejections = 0;
  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    // A request under way is bounded by requestTimeout and its own work, not by the idle
    // limit: a slow signfile check must not cost the caller its answer. After the answer,
    // Node's keepAliveTimeout takes the socket over.
    request.socket.setTimeout(0);
    if (outage === false) {
      void route(request, response, context);
      return;
    }
    outageRejections++;
    // Drain the body so the 503 reaches the client instead of a reset while it still writes.
    request.resume();
    if (outage === 'connection-reset') {
      request.socket.destroy();
      return;
    }
    response.writeHead(503, { 'content-type': 'text/html', 'retry-after': '3600', connection: 'close', 'cache-control': 'no-store' });
    response.end('<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n');
  };
  const limits = resolved.connections;
  // Idle sockets would otherwise stay open forever and exhaust descriptors (issue 11, finding 9):
  // `connectionsCheckingInterval` makes Node enforce headersTimeout/requestTimeout within a
  // second instead of 30 s; `timeout` closes a connection that sends no request at all, which
  // Node's own timeouts never look at.
  const serverOptions: http.ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  let server: http.Server;
  if (resolved.tls) {
    const extra = isIP(resolved.host) === 0 && resolved.host !== 'localhost' ? [resolved.host] : [];
    const credentials = await createServerCredentials(ca, extra);
    server = https.createServer(
      { ...serverOptions, cert: credentials.certificatePem, key: credentials.privateKeyPem, handshakeTimeout: limits.idleTimeoutMs },
      listener,
    );
  } else {
    server = http.createServer(serverOptions, listener);
  }
  server.timeout = limits.idleTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `${resolved.tls ? 'https' : 'http'}://${urlHost(resolved.host)}:${port}/`;
  const caUrls: SandboxCaUrls = {
    rootPem: new URL('ca/root.pem', url).href,
    intermediatePem: new URL('ca/intermediate.pem', url).href,
    rootDer: new URL('ca/root.der', url).href,
    intermediateDer: new URL('ca/intermediate.der', url).href,
  };
  signer.caIssuersUrl = caUrls.intermediateDer;
  return {
    url,
    tls: resolved.tls,
    caCertificates: { rootPem: ca.root.pem, intermediatePem: ca.intermediate.pem },
    caBundlePem: ca.root.pem,
    caUrls,
    adminUrl: new URL('admin/', url).href,
    adminToken: resolved.adminToken,
    customers: resolved.customers.map((c) => ({
      customerId: c.customerId,
      signfile: { name: c.signfile.name, content: c.signfile.content },
      allowedIps: [...c.allowedIps],
      ...(c.customerId === DEMO_CUSTOMER.customerId && c.authToken === DEMO_CUSTOMER.authToken ? { publicAuthToken: DEMO_CUSTOMER.authToken } : {}),
    })),
    approve,
    refuse,
    applications: () => store.list(),
    validations: () => validations.list(),
    policy,
    setPerspective,
    get requests() {
      return requests.list();
    },
    get requestsDropped() {
      return requests.dropped;
    },
    setOutage: (value) => {
      outage = value;
    },
    get outageRejections() {
      return outageRejections;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}
