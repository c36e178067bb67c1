/**
 * The deployment flags of `issue` and `renew` (issue 10, "Deployment"): install targets
 * (`--install-key/--install-cert/--install-chain/--install-fullchain/--install-combined FILE`,
 * `--install-owner USER[:GROUP]`, `--install-mode MODE`) and hooks (`--pre-hook`,
 * `--post-hook`, `--deploy-hook`, `--failure-hook CMD`, `--hook-timeout DURATION`).
 *
 * Every one is remembered per certificate like the placement flags (core's `settings.install`
 * and `settings.hooks`): given, it overrides the remembered value and is remembered; not
 * given, the remembered value stays. An empty value (`--install-key ''`, `--deploy-hook ''`,
 * `--install-owner ''`) clears the remembered one (core's `dropClearedSettings`).
 */
import { resolve as resolvePath } from 'node:path';
import type { CertificateSettings, HookCommands, InstallTargets } from '@acmapi/core';
import { OptionsError, parseDuration } from '@acmapi/core';
import type { Command } from 'commander';
import { UsageError } from './cli-errors.js';

/** The deployment flags as commander parsed them. */
export interface DeployFlags {
  installKey?: string | undefined;
  installCert?: string | undefined;
  installChain?: string | undefined;
  installFullchain?: string | undefined;
  installCombined?: string | undefined;
  installOwner?: string | undefined;
  installMode?: string | undefined;
  preHook?: string | undefined;
  postHook?: string | undefined;
  deployHook?: string | undefined;
  failureHook?: string | undefined;
  hookTimeout?: string | undefined;
}

/** The longest hook timeout: a day (a hook that takes longer blocks the next cron run). */
const MAX_HOOK_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Adds the install target and hook flags. */
export function addDeployOptions(command: Command): Command {
  return command
    .option('--install-key <file>', "after each new certificate, write its private key here (atomically; mode 0600 unless --install-mode; keeps the group of the key it replaces); remembered, '' forgets it")
    .option('--install-cert <file>', "write the certificate alone here (mode 0644 unless --install-mode); remembered, '' forgets it")
    .option('--install-chain <file>', "write the CA chain (without the certificate) here; remembered, '' forgets it")
    .option('--install-fullchain <file>', "write the certificate and its chain here (nginx ssl_certificate, Apache SSLCertificateFile); remembered, '' forgets it")
    .option('--install-combined <file>', "write the certificate, chain and private key in one PEM here (HAProxy crt); remembered, '' forgets it")
    .option('--install-owner <user[:group]>', "owner of the installed files, as chown (needs root to give another user); remembered, '' forgets it")
    .option('--install-mode <mode>', 'permission bits of the installed files in octal, e.g. 640 (default 600 for files with the key, 644 for the others); remembered')
    .option('--pre-hook <cmd>', "shell command run once before the first certificate of a run contacts the CA (e.g. stop a web server for --standalone); remembered, '' forgets it")
    .option('--post-hook <cmd>', "shell command run once at the end of a run that contacted the CA; remembered, '' forgets it")
    .option('--deploy-hook <cmd>', "shell command run once per certificate that went live, after its install targets are written (e.g. systemctl reload nginx); remembered, '' forgets it")
    .option('--failure-hook <cmd>', "shell command run when a certificate's run fails, or it is in its warning period (last sixth of its lifetime) and was not renewed; remembered, '' forgets it")
    .option('--hook-timeout <duration>', 'how long a hook may run before its process group is killed, e.g. 30s, 5m (default 2m); remembered');
}

function path(value: string | undefined): string | undefined {
  // '' clears the remembered target (see the module comment); it must reach core as ''.
  return value === undefined || value === '' ? value : resolvePath(value);
}

/**
 * Parses `--install-mode`: octal permission bits, 0–777 (an optional leading `0` or `0o`).
 *
 * @throws {UsageError} `USAGE_INSTALL_MODE` otherwise.
 */
export function parseInstallMode(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(?:0o?)?([0-7]{1,3})$/i.exec(text.trim());
  if (match?.[1] === undefined) {
    throw new UsageError(`--install-mode ${JSON.stringify(text)} is not a permission mode in octal (000 to 777).`, { code: 'USAGE_INSTALL_MODE', hint: 'Give e.g. --install-mode 640.' });
  }
  return Number.parseInt(match[1], 8);
}

/**
 * Parses `--hook-timeout` (core's duration syntax), more than 0 and at most a day.
 *
 * @throws {UsageError} `USAGE_DURATION` otherwise.
 */
export function parseHookTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(text, { option: 'hookTimeout', maxMs: MAX_HOOK_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof OptionsError) throw new UsageError(`--hook-timeout: ${error.message}`, { code: 'USAGE_DURATION', hint: 'Give e.g. --hook-timeout 5m (at most 1d).' });
    throw error;
  }
  if (ms <= 0) throw new UsageError('--hook-timeout must be more than 0.', { code: 'USAGE_DURATION', hint: 'Give e.g. --hook-timeout 5m.' });
  return ms;
}

/**
 * What the deployment flags give of the settings: only what was given (the rest stays as
 * remembered); an empty value is kept as `''` so that core forgets the remembered one.
 *
 * @throws {UsageError} `USAGE_INSTALL_MODE`, `USAGE_DURATION`.
 */
export function deploySettingsFromFlags(flags: DeployFlags): Pick<Partial<CertificateSettings>, 'install' | 'hooks'> {
  const install: InstallTargets = {};
  const set = <K extends keyof InstallTargets>(key: K, value: InstallTargets[K] | undefined): void => {
    if (value !== undefined) install[key] = value;
  };
  set('key', path(flags.installKey));
  set('cert', path(flags.installCert));
  set('chain', path(flags.installChain));
  set('fullchain', path(flags.installFullchain));
  set('combined', path(flags.installCombined));
  set('owner', flags.installOwner);
  set('mode', parseInstallMode(flags.installMode));
  const hooks: HookCommands = {};
  if (flags.preHook !== undefined) hooks.pre = flags.preHook;
  if (flags.postHook !== undefined) hooks.post = flags.postHook;
  if (flags.deployHook !== undefined) hooks.deploy = flags.deployHook;
  if (flags.failureHook !== undefined) hooks.failure = flags.failureHook;
  const timeoutMs = parseHookTimeout(flags.hookTimeout);
  if (timeoutMs !== undefined) hooks.timeoutMs = timeoutMs;
  return {
    ...(Object.keys(install).length === 0 ? {} : { install }),
    ...(Object.keys(hooks).length === 0 ? {} : { hooks }),
  };
}
