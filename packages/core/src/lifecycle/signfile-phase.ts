/**
 * The signfile phase of an application (spec §1, §5; BR §3.2.2.4.18): put the signfile where
 * the CA will fetch it (a webroot, or a standalone server), run the preflight in the chosen
 * mode, let the application be sent, and always take the signfile away afterwards. The
 * lifecycle runs it under the certificate's lock and BEFORE a new key is written, so a strict
 * preflight that fails leaves nothing behind.
 */
import { deployWebroot, type DeployWebrootResult } from '../deploy/deploy-webroot.js';
import { serveSignfile, type ServeSignfileResult } from '../deploy/signfile-server.js';
import { OptionsError } from '../errors/errors.js';
import { utf16ByteOrderMark } from '../store/read-bounded.js';
import { enforcePreflight, preflight } from '../preflight/preflight.js';
import type { PreflightMode, PreflightResult, ResolveOverride } from '../preflight/types.js';
import type { LifecycleListener } from './events.js';
import { stopIfAborted } from './stop-if-aborted.js';

/** The signfile the CA issued to the platform: its file name and its exact bytes. */
export interface Signfile {
  /** The file name under `/.well-known/pki-validation/`. @default `signfile` (spec §1) */
  readonly name: string;
  /** The exact content, served as is; the token is this without a byte-order mark and surrounding white space. */
  readonly content: Uint8Array | string;
}

/** Where the signfile is put for the time of the application. */
export type SignfilePlacement =
  /** Written into `WEBROOT/.well-known/pki-validation/NAME` (and a `web.config` for IIS with `iis`). */
  | { readonly kind: 'webroot'; readonly dir: string; readonly iis?: boolean | undefined }
  /** Served by a small HTTP server on `port` (80 in production) on `host`. */
  | { readonly kind: 'standalone'; readonly port: number; readonly host?: string | undefined };

/** Options of the signfile phase. */
export interface SignfilePhaseOptions {
  /** The signfile; needed for a placement and for a preflight. */
  readonly signfile?: Signfile | undefined;
  /** @default none: the site serves the signfile already */
  readonly placement?: SignfilePlacement | undefined;
  /**
   * `warn`: report a failing preflight and apply anyway; `strict`: send nothing when it fails;
   * `off`: no preflight.
   * @default 'warn'
   */
  readonly preflight?: PreflightMode | undefined;
  /** Addresses to use instead of DNS, per domain, as curl's `--resolve`. */
  readonly resolve?: readonly ResolveOverride[] | undefined;
  /** Port dialled for `http://` URLs. @default 80 */
  readonly httpPort?: number | undefined;
  /** Port dialled for `https://` URLs. @default 443 */
  readonly httpsPort?: number | undefined;
  /** DNS servers (`ADDR[:PORT]`) the preflight asks instead of the system's (see `PreflightOptions.dnsServers`). */
  readonly dnsServers?: readonly string[] | undefined;
  /** The CA's CAA identities. @default the endpoint's CA domain (see `caaPolicyFor`) */
  readonly caaIdentities?: readonly string[] | undefined;
  /** The RFC 8657 account URI. @default the sandbox's for a sandbox endpoint, else unknown */
  readonly caaAccountUri?: string | undefined;
}

/** The token the CA looks for in the body (spec §5: containment): the content without BOM and surrounding white space. */
export function signfileToken(content: Uint8Array | string): string {
  const text = typeof content === 'string' ? content : new TextDecoder('utf-8', { ignoreBOM: true }).decode(content);
  return text.replace(/^\uFEFF/, '').trim();
}

/**
 * Checks the options before anything happens.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` with `field` `signfile` when a placement or the
 *   `strict` mode has no signfile, or the signfile's token is empty.
 */
export function checkSignfilePhase(options: SignfilePhaseOptions): void {
  const needsSignfile = options.placement !== undefined || options.preflight === 'strict';
  if (options.signfile === undefined) {
    if (needsSignfile) throw new OptionsError(`${options.placement === undefined ? 'A strict preflight' : `Placing the signfile (${options.placement.kind})`} needs the signfile.`, { option: 'signfile' });
    return;
  }
  const { content } = options.signfile;
  // Served as is, a UTF-16 file holds the token's characters with a zero byte between each:
  // the CA, which looks for the token's UTF-8 bytes, would never find it (spec §5).
  const utf16 = typeof content === 'string' ? undefined : utf16ByteOrderMark(content);
  if (utf16 !== undefined) {
    throw new OptionsError(`The signfile is saved as ${utf16}: served as is, its content would differ from the token the CA looks for. Save it as UTF-8 (the CA's file, byte for byte).`, { option: 'signfile' });
  }
  if (signfileToken(content) === '') throw new OptionsError('The signfile is empty.', { option: 'signfile' });
}

async function listen(placement: Extract<SignfilePlacement, { kind: 'standalone' }>, signfile: Signfile): Promise<ServeSignfileResult> {
  const host = placement.host ?? '::';
  try {
    return await serveSignfile({ host, port: placement.port, signfile });
  } catch (error) {
    // A machine without IPv6 cannot bind '::'; every IPv4 address still serves the CA.
    if (placement.host === undefined && (error as NodeJS.ErrnoException).code === 'EAFNOSUPPORT') {
      return serveSignfile({ host: '0.0.0.0', port: placement.port, signfile });
    }
    throw error;
  }
}

/**
 * Runs `send` inside the signfile phase (see the module comment). `signal` aborts the
 * preflight (Ctrl-C); the signfile is taken away as after any error.
 *
 * @throws {PreflightError} `PREFLIGHT_FAILED` in mode `strict`, before `send`.
 * @throws {DeployError} when the signfile cannot be written into the webroot; the listen error
 *   (`EADDRINUSE`, `EACCES`) of a standalone server; {@link TransportError} `TRANSPORT_ABORTED`
 *   when `signal` aborted the preflight; whatever `send` throws.
 */
export async function withSignfile<T>(
  options: SignfilePhaseOptions,
  domains: readonly string[],
  certificate: string,
  emit: LifecycleListener,
  send: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const { signfile, placement } = options;
  const mode = options.preflight ?? 'warn';
  let deployed: DeployWebrootResult | undefined;
  let server: ServeSignfileResult | undefined;
  try {
    if (signfile !== undefined && placement?.kind === 'webroot') {
      deployed = await deployWebroot(placement.dir, signfile, { iis: placement.iis === true, signal });
      emit({ type: 'signfile-deployed', certificate, path: deployed.path, webConfigPath: deployed.webConfigPath, previous: deployed.previous });
    }
    if (signfile !== undefined && placement?.kind === 'standalone') {
      server = await listen(placement, signfile);
      emit({ type: 'signfile-served', certificate, port: server.port });
    }
    if (mode !== 'off') {
      if (signfile === undefined) emit({ type: 'preflight-skipped', certificate, reason: 'no-signfile' });
      else {
        const result: PreflightResult = await preflight({
          domains,
          signfile: { name: signfile.name, content: signfileToken(signfile.content) },
          mode,
          ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
          ...(options.httpPort === undefined ? {} : { httpPort: options.httpPort }),
          ...(options.httpsPort === undefined ? {} : { httpsPort: options.httpsPort }),
          ...(options.dnsServers === undefined ? {} : { dnsServers: options.dnsServers }),
          ...(options.caaIdentities === undefined ? {} : { caaIdentities: options.caaIdentities }),
          ...(options.caaAccountUri === undefined ? {} : { caaAccountUri: options.caaAccountUri }),
          ...(placement?.kind === 'webroot' ? { webroot: placement.dir } : {}),
          ...(signal === undefined ? {} : { signal }),
        });
        // Aborted checks are the caller's doing, not the site's: the run stops as aborted, no report.
        stopIfAborted(signal);
        emit({ type: 'preflight-finished', certificate, result });
        enforcePreflight(result);
      }
    }
    return await send();
  } finally {
    const placed = deployed !== undefined || server !== undefined;
    await server?.close();
    await deployed?.remove();
    if (placed) emit({ type: 'signfile-removed', certificate });
  }
}
