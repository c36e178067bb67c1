/**
 * `@acmapi/core/deploy`: putting the signfile where the CA fetches it (spec §1) — into a
 * webroot (with an IIS `web.config` when asked), or served by a small standalone server —
 * and deploying a live certificate (source §1.1, issue 10): install targets written
 * atomically with their owner and mode, and hooks run with certbot's names. The lifecycle
 * uses these; they are public for tools that place the signfile or deploy themselves.
 *
 * @module @acmapi/core/deploy
 */
export { deployWebroot } from './deploy-webroot.js';
export type { DeployWebrootOptions, DeployWebrootResult } from './deploy-webroot.js';
export { IIS_WEB_CONFIG, writeIisWebConfig } from './iis-web-config.js';
export type { IisWebConfigResult } from './iis-web-config.js';
export { SIGNFILE_PATH_PREFIX, serveSignfile } from './signfile-server.js';
export type { ServeSignfileOptions, ServeSignfileResult } from './signfile-server.js';
export { INSTALL_TARGET_KINDS, installTargets, planInstallTargets } from './install-targets.js';
export type { InstallFiles, InstallResult, InstallTargetKind, InstallTargets, InstallTargetsOptions, PlannedInstallTarget } from './install-targets.js';
export { parseOwner, resolveOwner } from './file-owner.js';
export type { OwnerSpec } from './file-owner.js';
export type { FileOwner } from './file-owner.js';
export { HOOK_DEFAULT_TIMEOUT_MS, HOOK_ENV_NAMES, HOOK_OUTPUT_TAIL_BYTES, hookEnvironment, isSecretEnvName, runHook } from './hooks.js';
export type { HookEvent, HookKind, HookResult, RunHookOptions } from './hooks.js';
