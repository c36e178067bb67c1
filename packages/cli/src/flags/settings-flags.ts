/**
 * The flags that a certificate remembers (core's `CertificateSettings`, issue 10): where the
 * signfile is placed (`--webroot DIR [--iis]`, `--standalone [--port N]`), the signfile's file
 * and name, the preflight mode, the key policy (`--reuse-key`/`--new-key`), `--pfx` and
 * `--renew-before-days`, install targets and hooks (`deploy-flags.ts`). `issue` and `renew` both take them; a flag given overrides the
 * remembered value and is remembered, a flag not given keeps it (core's `mergeSettings`), so
 * `issue --webroot …` once and then `renew` from cron places the signfile the same way.
 *
 * Only paths and names are remembered, never a secret.
 */
import { resolve as resolvePath } from 'node:path';
import { signfilePhaseFromSettings } from '@acmapi/core/settings';
import type { CertificateSettings, PreflightMode, SignfilePhaseOptions, SignfilePlacementSetting, SignfileSetting } from '@acmapi/core';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from './cli-errors.js';
import { addDeployOptions, deploySettingsFromFlags } from './deploy-flags.js';
import type { DeployFlags } from './deploy-flags.js';
import type { PfxFlags } from './pfx.js';
import { parsePort } from './port.js';
import { DEFAULT_STANDALONE_PORT, PREFLIGHT_MODES } from './signfile-flags.js';
import type { SignfileSettings } from './signfile-flags.js';

/** The remembered flags as commander parsed them. */
export interface SettingsFlags extends PfxFlags, DeployFlags {
  /** Without a commander default, so that "not given" keeps the remembered mode. */
  preflight?: PreflightMode | undefined;
  webroot?: string | undefined;
  iis?: boolean | undefined;
  standalone?: boolean | undefined;
  port?: string | undefined;
  reuseKey?: boolean | undefined;
  newKey?: boolean | undefined;
}

/** Adds `--preflight --webroot --iis --standalone --port --reuse-key --new-key`, and the install target and hook flags (`deploy-flags.ts`). */
export function addSettingsOptions(command: Command, preflightHelp: string): Command {
  addDeployOptions(command);
  return command
    .addOption(new Option('--preflight <mode>', `${preflightHelp} (default: the remembered mode, else warn)`).choices(PREFLIGHT_MODES))
    .option('--webroot <dir>', 'write the signfile into DIR/.well-known/pki-validation/ for the time of the application (needs --signfile); remembered for renew')
    .option('--iis', 'with --webroot: also write a web.config there so IIS serves the extensionless signfile')
    .option('--standalone', `serve the signfile with a built-in web server for the time of the application (needs --signfile; port ${DEFAULT_STANDALONE_PORT} unless --port); remembered for renew`)
    .option('--port <n>', 'with --standalone: the port to listen on')
    .option('--reuse-key', 'keep the live private key on renewal (a new CSR with it); remembered')
    .option('--new-key', 'a new private key on every renewal (the default); remembered');
}

/**
 * The placement the flags ask for, or `undefined` when they name none (the remembered one stays).
 *
 * @throws {UsageError} `USAGE_PORT` (`--port` without `--standalone`, or not a port),
 *   `USAGE_SIGNFILE_PLACE` (`--webroot` with `--standalone`, `--iis` without `--webroot`).
 */
export function placementFromFlags(flags: SettingsFlags): SignfilePlacementSetting | undefined {
  if (flags.port !== undefined && flags.standalone !== true) {
    throw new UsageError('--port was given without --standalone.', { code: 'USAGE_PORT', hint: 'Add --standalone, or drop --port.' });
  }
  if (flags.webroot !== undefined && flags.standalone === true) {
    throw new UsageError('--webroot and --standalone exclude each other.', { code: 'USAGE_SIGNFILE_PLACE', hint: 'Use --webroot when a web server serves the domains, --standalone when none does.' });
  }
  if (flags.iis === true && flags.webroot === undefined) {
    throw new UsageError('--iis needs --webroot.', { code: 'USAGE_SIGNFILE_PLACE', hint: 'Add --webroot DIR (the IIS site\'s physical path).' });
  }
  if (flags.webroot !== undefined) return { kind: 'webroot', dir: resolvePath(flags.webroot), iis: flags.iis === true };
  if (flags.standalone === true) return { kind: 'standalone', port: parsePort(flags.port, '--port') ?? DEFAULT_STANDALONE_PORT };
  return undefined;
}

/**
 * What the flags give of the settings: only what was given (the rest stays as remembered).
 *
 * @param signfile - the parsed `--signfile`/`--signfile-name` (or `ACMAPI_SIGNFILE`, or acmapi.json's).
 * @param signfileName - the name, when a flag or acmapi.json gave one.
 * @param days - `--renew-before-days`, when given.
 * @throws {UsageError} see {@link placementFromFlags}; `USAGE_KEY_POLICY` for `--reuse-key` with `--new-key`.
 */
export function settingsFromFlags(flags: SettingsFlags, signfile: SignfileSettings, signfileName: string | undefined, days: number | undefined): Partial<CertificateSettings> {
  if (flags.reuseKey === true && flags.newKey === true) {
    throw new UsageError('--reuse-key and --new-key exclude each other.', { code: 'USAGE_KEY_POLICY', hint: 'Give one of them; without either, the remembered policy stays (a new key by default).' });
  }
  const placement = placementFromFlags(flags);
  const given: Partial<SignfileSetting> = {
    ...(signfile.signfilePath === undefined ? {} : { path: resolvePath(signfile.signfilePath) }),
    ...(signfileName === undefined ? {} : { name: signfileName }),
    ...(placement === undefined ? {} : { placement }),
    ...(flags.preflight === undefined ? {} : { preflight: flags.preflight }),
  };
  const reuseKey = flags.reuseKey === true ? true : flags.newKey === true ? false : undefined;
  return {
    // The placement is required in the stored shape; a signfile given without one places nothing (unless one is remembered: see mergeSettings).
    ...(Object.keys(given).length === 0 ? {} : { signfile: given as SignfileSetting }),
    ...(reuseKey === undefined ? {} : { reuseKey }),
    ...(flags.pfx === true ? { pkcs12: flags.pfxPassphraseFile === undefined ? { passphraseEnv: 'ACMAPI_PFX_PASSPHRASE' } : { passphraseFile: resolvePath(flags.pfxPassphraseFile) } } : {}),
    ...(days === undefined ? {} : { renewBeforeDays: days }),
    ...deploySettingsFromFlags(flags),
  };
}

/**
 * Core's signfile phase of the run's settings (the signfile read from its remembered file).
 *
 * @param defaultPreflight - the mode when none is remembered or given.
 * @throws {UsageError} `USAGE_SIGNFILE` when a placement or `strict` has no signfile file.
 * @throws {OptionsError} when the remembered signfile's file cannot be read (see core).
 */
export async function signfilePhaseOf(settings: CertificateSettings, extras: SignfileSettings, defaultPreflight: PreflightMode): Promise<SignfilePhaseOptions> {
  const signfile = settings.signfile;
  const placement = signfile?.placement.kind ?? 'none';
  const needs = placement === 'webroot' ? '--webroot' : placement === 'standalone' ? '--standalone' : signfile?.preflight === 'strict' ? '--preflight strict' : undefined;
  if (needs !== undefined && signfile?.path === undefined) {
    throw new UsageError(`${needs} needs the signfile.`, { code: 'USAGE_SIGNFILE', hint: 'Pass the signfile the CA issued with --signfile FILE (or ACMAPI_SIGNFILE=FILE).' });
  }
  return signfilePhaseFromSettings(settings, {
    resolve: extras.resolve,
    httpPort: extras.httpPort,
    httpsPort: extras.httpsPort,
    dnsServers: extras.dnsServers,
    caaIdentities: extras.caaIdentities,
    defaultPreflight,
  });
}
