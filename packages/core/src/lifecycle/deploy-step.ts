/**
 * The deploy step of the lifecycle (issue 10, "Deployment", source §1.1): after a certificate
 * went live — and on a run with nothing due, when an install target is missing or differs —
 * its files are installed into the settings' install targets and the `deploy` hook runs once.
 * Also the expiry warning period, and the `failure` hook. {@link runCertificate} calls these
 * under the certificate's lock; a failure here never undoes the certificate that went live.
 */
import { join } from 'node:path';
import { DeployError, isAcmApiError } from '../errors/errors.js';
import { installTargets, type InstallResult, type InstallTargets } from '../deploy/install-targets.js';
import { HOOK_DEFAULT_TIMEOUT_MS, runHook, type HookEvent, type HookKind, type HookResult } from '../deploy/hooks.js';
import type { LifecycleEvent } from './events.js';
import type { CertificateSession } from './repository.js';
import type { HookCommands } from './settings.js';

/** What the deploy step did for one certificate (see `deployLive`, the lifecycle's deploy step). */
export interface DeployReport {
  /**
   * Install targets whose content (or explicit owner/mode) changed. On an install failure
   * those already changed when it stopped (`DeployError.written`; empty unless a rename failed
   * midway, as the targets change all together or not at all).
   */
  written: string[];
  /** Install targets that already held the live files, left untouched. */
  unchanged: string[];
  /** The `deploy` hook, when it ran. */
  hook: HookResult | undefined;
  /**
   * Why the deploy step failed, when it did: the install's error (`DeployError`
   * `DEPLOY_INSTALL_FAILED`, `DEPLOY_KEY_MISSING`, `DEPLOY_OWNER_UNKNOWN`, or `OptionsError`
   * for bad targets), or `DeployError` `DEPLOY_HOOK_FAILED` for the hook. The certificate
   * stays live either way.
   */
  error: unknown;
}

/** How the hooks of a run are started (see `runHook`'s options). */
export interface HookRunOptions {
  /** The environment hooks inherit (secrets removed by `runHook`). @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** Further variable names to remove from a hook's environment (e.g. a passphrase's). */
  secretEnv?: readonly string[] | undefined;
  /** Ends a running hook as its timeout does. */
  signal?: AbortSignal | undefined;
  /** Receives every hook's whole result (with its command line, which events leave out). */
  onHookResult?: ((result: HookResult) => void) | undefined;
}

/** The paths a hook is told of: the repository's live files (the store's top-level links) and its folder, plus the install targets by kind. */
export function hookFiles(dir: string, install: InstallTargets | undefined): Record<string, string> {
  const files: Record<string, string> = {
    dir,
    cert: join(dir, 'cert.pem'),
    chain: join(dir, 'chain.pem'),
    fullchain: join(dir, 'fullchain.pem'),
    key: join(dir, 'privkey.pem'),
  };
  for (const kind of ['key', 'cert', 'chain', 'fullchain', 'combined'] as const) {
    const path = install?.[kind];
    if (path !== undefined && path !== '') files[`install.${kind}`] = path;
  }
  return files;
}

/** Whether `install` names at least one file. */
export function hasInstallTargets(install: InstallTargets | undefined): boolean {
  return install !== undefined && [install.key, install.cert, install.chain, install.fullchain, install.combined].some((path) => path !== undefined && path !== '');
}

/**
 * Runs one hook and reports it as a `hook-finished` event (without its command line, which
 * may carry an operator's secret such as a webhook path).
 */
export async function runReportedHook(
  kind: HookKind,
  command: string,
  event: HookEvent,
  timeoutMs: number | undefined,
  options: HookRunOptions,
  emit: (event: LifecycleEvent) => void,
): Promise<HookResult> {
  const result = await runHook(kind, command, event, {
    timeoutMs: timeoutMs ?? HOOK_DEFAULT_TIMEOUT_MS,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.secretEnv === undefined ? {} : { secretEnv: options.secretEnv }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  options.onHookResult?.(result);
  emit({
    type: 'hook-finished',
    certificate: event.certificate,
    kind,
    ok: hookSucceeded(result),
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    stderrTail: result.stderrTail,
  });
  return result;
}

/** A hook succeeded when its shell exited 0 (not killed, not timed out). */
export function hookSucceeded(result: HookResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.aborted;
}

/** The `DEPLOY_HOOK_FAILED` error of a failed hook; its message holds neither the command nor its output. */
export function hookError(result: HookResult, certificate: string | undefined): DeployError {
  const how = result.timedOut
    ? `did not finish within its timeout (${String(result.durationMs)} ms)`
    : result.aborted
      ? 'was stopped (the run was interrupted)'
      : result.exitCode === null
        ? result.signal === null
          ? 'could not be started'
          : `was ended by ${result.signal}`
        : `exited with status ${String(result.exitCode)}`;
  const whose = certificate === undefined ? '' : ` of certificate "${certificate}"`;
  return new DeployError('DEPLOY_HOOK_FAILED', `The ${result.kind} hook${whose} ${how}.`, {
    hint: 'Run the hook command by hand to see why; its standard error is in the hook-finished event.',
  });
}

/** The stable code and message of any error, for hook events and notifications (never a stack or a cause chain). */
export function errorSummary(error: unknown): { code: string; message: string } {
  if (isAcmApiError(error)) return { code: error.code, message: error.message };
  return { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

/** What `deployLive` needs of the run. */
export interface DeployLiveInput {
  certificate: CertificateSession;
  domains: readonly string[];
  notAfter: Date;
  handleId: string | undefined;
  install: InstallTargets | undefined;
  hooks: HookCommands | undefined;
  /**
   * `true` when a new certificate went live in this run: the deploy hook runs even when no
   * install target changed. `false` (nothing due): the hook runs only when a target was written.
   */
  wentLive: boolean;
  hookOptions: HookRunOptions;
  emit: (event: LifecycleEvent) => void;
}

/**
 * Installs the live files into the install targets (all together or none, an equal file
 * left untouched; see `installTargets`), then runs the `deploy` hook once, when a new
 * certificate went live or an install target was written. A failure to install skips the
 * hook (it would reload a half-updated set of files) and both are reported in the result and
 * as a `deploy-failed` event, never thrown. A private key target keeps the group of the
 * file it replaces, else of the repository's live key (`DIR/privkey.pem`, which the store
 * itself carries over from the previous key).
 *
 * @returns `undefined` when there is nothing to do: no install targets and either no deploy
 *   hook or nothing went live.
 */
export async function deployLive(input: DeployLiveInput): Promise<DeployReport | undefined> {
  const { certificate, install, hooks, emit } = input;
  // An empty string is a cleared setting (see `dropClearedSettings`), not a path.
  const targets = hasInstallTargets(install) && install !== undefined ? (Object.fromEntries(Object.entries(install).filter(([, value]) => value !== '')) as InstallTargets) : undefined;
  const deployCommand = hooks?.deploy === undefined || hooks.deploy === '' ? undefined : hooks.deploy;
  if (targets === undefined && (deployCommand === undefined || !input.wentLive)) return undefined;
  const report: DeployReport = { written: [], unchanged: [], hook: undefined, error: undefined };
  if (targets !== undefined) {
    try {
      const live = await certificate.readLive();
      if (live === undefined) throw new DeployError('DEPLOY_INSTALL_FAILED', `Certificate "${certificate.name}" has no live files to install.`, {});
      const installed: InstallResult = await installTargets(targets, live, { previousKeyPath: join(certificate.dir, 'privkey.pem') });
      report.written = installed.written;
      report.unchanged = installed.unchanged;
      emit({ type: 'deployed', certificate: certificate.name, written: installed.written, unchanged: installed.unchanged });
    } catch (error) {
      report.error = error;
      // Usually empty (the targets change all together or not at all); after a rename failed
      // midway, the targets already changed, so the report does not hide them.
      if (error instanceof DeployError) report.written = [...error.written];
      emit({ type: 'deploy-failed', certificate: certificate.name, step: 'install', error });
      return report;
    }
  }
  if (deployCommand === undefined || !(input.wentLive || report.written.length > 0)) return report;
  report.hook = await runReportedHook(
    'deploy',
    deployCommand,
    {
      kind: 'deploy',
      certificate: certificate.name,
      domains: [...input.domains],
      files: hookFiles(certificate.dir, install),
      notAfter: input.notAfter.toISOString(),
      ...(input.handleId === undefined ? {} : { handleId: input.handleId }),
      reason: input.wentLive ? 'renewed' : 'install-targets-changed',
    },
    hooks?.timeoutMs,
    input.hookOptions,
    emit,
  );
  if (!hookSucceeded(report.hook)) {
    report.error = hookError(report.hook, certificate.name);
    emit({ type: 'deploy-failed', certificate: certificate.name, step: 'deploy-hook', error: report.error });
  }
  return report;
}

/**
 * The warning period of a certificate (documented for operators in the CLI README): the last
 * sixth of its lifetime, `notAfter − (notAfter − notBefore) / 6` onwards (15 days of a 90-day
 * certificate, 1 day of a 6-day one), and after its expiry. A certificate renewed at its
 * chosen renewal time (about two thirds of its lifetime, see `renewal-time.ts`) never reaches
 * it; one that does has failed to renew for a sixth of its lifetime — far past the 80 % the
 * fleet timing promises even across a 48-hour outage — so a person must look. Pure.
 *
 * @returns whether `now` is in it, and the whole days left until `notAfter` (negative once expired).
 */
export function expiryWarning(validity: { notBefore: Date; notAfter: Date }, now: Date): { warn: boolean; daysLeft: number; from: Date } {
  const lifetime = validity.notAfter.getTime() - validity.notBefore.getTime();
  const from = new Date(validity.notAfter.getTime() - lifetime / 6);
  const daysLeft = Math.floor((validity.notAfter.getTime() - now.getTime()) / 86_400_000);
  return { warn: now.getTime() >= from.getTime(), daysLeft, from };
}
