/**
 * What `acmapi issue` does around the application for the signfile (spec §1, §5):
 * put it in place (`--webroot`, or `--standalone` serving it), run the preflight
 * in the chosen mode, apply, and always take the signfile away afterwards.
 */
import { deployWebroot, enforcePreflight, preflight, serveSignfile } from '@acmapi/core';
import type { DeployWebrootResult, PreflightMode, PreflightResult, ServeSignfileResult } from '@acmapi/core';
import { UsageError } from './cli-errors.js';
import type { Output } from './output.js';
import type { SignfileSettings } from './preflight-flags.js';
import { preflightReportLines } from './preflight-report.js';

/** The preflight modes `--preflight` accepts. */
export const PREFLIGHT_MODES: readonly PreflightMode[] = ['warn', 'strict', 'off'];

/** Port of `--standalone` without `--port`: where the CA fetches `http://` URLs. */
export const DEFAULT_STANDALONE_PORT = 80;

/** Options of {@link withSignfile}. */
export interface WithSignfileOptions {
  /** The domains as typed (the preflight normalises them, spec §4). */
  readonly domains: readonly string[];
  readonly mode: PreflightMode;
  readonly settings: SignfileSettings;
  /** `--webroot`: the site's document root to deploy the signfile into. */
  readonly webroot?: string | undefined;
  /** `--iis`: also write a web.config in `pki-validation/` (with `webroot` only). */
  readonly iis?: boolean | undefined;
  /** `--standalone`: serve the signfile on this port for the time of the issuance. */
  readonly standalonePort?: number | undefined;
  /** Address the standalone server listens on. @default '::' (every address, IPv4 too) */
  readonly standaloneHost?: string | undefined;
  readonly output: Output;
}

/** What {@link withSignfile} returns: the apply step's value and the preflight, when one ran. */
export interface WithSignfileResult<T> {
  readonly value: T;
  readonly preflight: PreflightResult | undefined;
  /** Why no preflight ran although the mode asked for one (shown with the result, not before it). */
  readonly note: string | undefined;
}

/** The note of mode `warn` without a signfile. */
export const PREFLIGHT_SKIPPED_NOTE = 'Note: no --signfile given, so the signfile preflight was skipped (pass --signfile FILE to check every address before applying).';

/**
 * Checks the flag combination before anything happens.
 *
 * @throws {UsageError} `USAGE_SIGNFILE` (a signfile is needed for `--webroot`,
 *   `--standalone` and `--preflight strict`), `USAGE_SIGNFILE_PLACE` (`--webroot`
 *   with `--standalone`, `--iis` without `--webroot`).
 */
export function checkSignfileFlags(options: Pick<WithSignfileOptions, 'mode' | 'settings' | 'webroot' | 'iis' | 'standalonePort'>): void {
  const needs = options.webroot !== undefined ? '--webroot' : options.standalonePort !== undefined ? '--standalone' : options.mode === 'strict' ? '--preflight strict' : undefined;
  if (needs !== undefined && options.settings.signfile === undefined) {
    throw new UsageError(`${needs} needs the signfile.`, { code: 'USAGE_SIGNFILE', hint: 'Pass the signfile the CA issued with --signfile FILE (or ACMAPI_SIGNFILE=FILE).' });
  }
  if (options.webroot !== undefined && options.standalonePort !== undefined) {
    throw new UsageError('--webroot and --standalone exclude each other.', { code: 'USAGE_SIGNFILE_PLACE', hint: 'Use --webroot when a web server serves the domains, --standalone when none does.' });
  }
  if (options.iis === true && options.webroot === undefined) {
    throw new UsageError('--iis needs --webroot.', { code: 'USAGE_SIGNFILE_PLACE', hint: 'Add --webroot DIR (the IIS site\'s physical path).' });
  }
}

async function listen(options: WithSignfileOptions, signfile: { name: string; content: Uint8Array }, port: number): Promise<ServeSignfileResult> {
  const host = options.standaloneHost ?? '::';
  try {
    return await serveSignfile({ host, port, signfile });
  } catch (error) {
    // A machine without IPv6 cannot bind '::'; every IPv4 address still serves the CA.
    if (options.standaloneHost === undefined && (error as NodeJS.ErrnoException).code === 'EAFNOSUPPORT') {
      return serveSignfile({ host: '0.0.0.0', port, signfile });
    }
    throw error;
  }
}

/**
 * Deploys or serves the signfile, runs the preflight, runs `apply`, and removes
 * the signfile / stops the server afterwards, also when anything fails.
 *
 * In mode `warn` a failed preflight is printed and `apply` runs anyway; in mode
 * `strict` it is printed and nothing is applied; without a signfile (mode `warn`)
 * the preflight is skipped with a note.
 *
 * @throws {UsageError} see {@link checkSignfileFlags}.
 * @throws {PreflightError} `PREFLIGHT_FAILED` in mode `strict`, before `apply`.
 * @throws {DeployError} when the signfile cannot be written into the webroot.
 * @throws the listen error (`EADDRINUSE`, `EACCES` for port 80 without privileges) of `--standalone`.
 * @throws whatever `apply` throws.
 */
export async function withSignfile<T>(options: WithSignfileOptions, apply: () => Promise<T>): Promise<WithSignfileResult<T>> {
  checkSignfileFlags(options);
  const { output, settings } = options;
  const signfile = settings.signfile;
  let deployed: DeployWebrootResult | undefined;
  let server: ServeSignfileResult | undefined;
  try {
    if (signfile !== undefined && options.webroot !== undefined) {
      deployed = await deployWebroot(options.webroot, { name: signfile.name, content: signfile.content }, { iis: options.iis === true });
      output.warn(`Signfile written to ${deployed.path}${deployed.webConfigPath === undefined ? '' : ` (and ${deployed.webConfigPath})`}; it is removed after the application.`);
    }
    if (signfile !== undefined && options.standalonePort !== undefined) {
      server = await listen(options, signfile, options.standalonePort);
      output.warn(`Serving the signfile on port ${server.port} (--standalone) for the time of the application.`);
    }
    let result: PreflightResult | undefined;
    if (options.mode !== 'off' && signfile !== undefined) {
      result = await preflight({
        domains: options.domains,
        signfile: { name: signfile.name, content: signfile.token },
        mode: options.mode,
        resolve: settings.resolve,
        ...(settings.httpPort === undefined ? {} : { httpPort: settings.httpPort }),
        ...(settings.httpsPort === undefined ? {} : { httpsPort: settings.httpsPort }),
        ...(options.webroot === undefined ? {} : { webroot: options.webroot }),
      });
      if (!result.ok) {
        output.warn(['The signfile preflight failed:', ...preflightReportLines(result)].join('\n'));
        if (options.mode === 'warn') output.warn('Applying anyway (--preflight warn): the CA\'s view can differ from this machine\'s. Expect error 107 if it does not.');
      }
      enforcePreflight(result);
    }
    const value = await apply();
    return { value, preflight: result, note: options.mode === 'warn' && signfile === undefined ? PREFLIGHT_SKIPPED_NOTE : undefined };
  } finally {
    await server?.close();
    await deployed?.remove();
  }
}
