/**
 * One certificate through core's lifecycle (`runCertificate`), shared by `issue`, `renew`,
 * `retrieve` and `demo`. Core decides and does everything — the lock, the plan, the signfile
 * phase, the key source, saving before sending, polling, installing, PKCS#12, recording a
 * failure; this file only hands it the command line's input (the store, the flags, the
 * client), presents its events (`EventPresenter`), turns Ctrl-C/SIGTERM into an abort of the
 * run (`InterruptWatch`: cleaned up as after an error, exit 130/143; during `--wait` it ends
 * the wait), and turns its result into the `--json` result.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isTransportError, runCertificate as runLifecycle, runFleet } from '@acmapi/core';
import type {
  CertificateFailures,
  CertificateRepository,
  CertificateSettings,
  FleetTarget,
  KeySource,
  KeyType,
  PreflightMode,
  RunCertificateOptions as LifecycleOptions,
  RunCertificateResult,
  SignfilePhaseOptions,
} from '@acmapi/core';
import { openStore, removeStoreFolderIfUnused } from '@acmapi/core/store';
import type { CertificateStore } from '@acmapi/core/store';
import { InterruptedError, localIo, STORE_ELSEWHERE } from '../flags/cli-errors.js';
import { createClient } from '../flags/client.js';
import type { ClientFlags } from '../flags/client.js';
import type { Credentials } from '../flags/credentials.js';
import { EventPresenter } from '../present/event-presenter.js';
import type { Output } from '../present/output.js';
import type { InterruptSignal } from '../present/exit-codes.js';
import { describeError } from '../present/describe-error.js';
import type { ErrorJson } from '../present/describe-error.js';
import { exitCodeFor } from '../present/exit-code-for.js';
import { hookJson, interruptedResult, toResultJson, withFailures } from '../present/result-json.js';
import type { HookJson, ResultJson } from '../present/result-json.js';
import { runPfxPassphrase } from '../flags/pfx.js';
import { signfilePhaseOf } from '../flags/settings-flags.js';
import type { SignfileSettings } from '../flags/signfile-flags.js';
import { InterruptWatch } from './interrupt-watch.js';

export type { KeyAndCsr } from '@acmapi/core';

/** Which certificate, and what it should be. */
export interface CertificateTarget {
  /** The store name. */
  name: string;
  /** The domains wanted (spec §4); a change from the live certificate's means a new application. */
  domains: string[];
  /** The key type asked for (flag or acmapi.json); `undefined` keeps the live one's (new keys: `defaultKeyType`). */
  keyType: KeyType | undefined;
  /** acmapi.json's `defaults.keyType`: only when nothing else names a key type (core's precedence), never remembered. */
  defaultKeyType?: KeyType | undefined;
  /** Where a new application's key and CSR come from (`--csr`/`--key`, acmapi.json). @default a generated key */
  keySource?: KeySource | undefined;
}

/** What every run needs, whatever the command. */
export interface RunContext extends ClientFlags {
  /** Where the certificate is kept: the filesystem store (`openStore` of `@acmapi/core/store`). */
  store: CertificateRepository;
  /** How long to wait for another process holding the certificate, milliseconds. */
  lockWaitMs: number;
  /** The credentials; called only when the CA is contacted (a not-due run needs none). */
  credentials: () => Promise<Credentials>;
  output: Output;
  /** `--pfx`: the passphrase of the `cert.pfx` to keep beside the live files. */
  pfxPassphrase: string | undefined;
  /** The signfile phase around every sending of an application (`--signfile`, `--webroot`, `--standalone`, `--preflight`, …). */
  signfile?: SignfilePhaseOptions | undefined;
}

/** Options of {@link runCertificate}. */
export interface RunCertificateOptions extends RunContext {
  /** `issue` refuses over a pending application; `renew` retrieves it. */
  command: 'issue' | 'renew';
  target: CertificateTarget;
  /** Apply even when not due, or over a pending application (its key is kept, `abandoned`). */
  force: boolean;
  /** Renew when fewer than this many days are left; `undefined`: a third of the lifetime. */
  days: number | undefined;
  /** How long to poll a pending application, milliseconds; 0 = save the handle and return. */
  waitMs: number;
  /** What the certificate remembers after this run (core records them when they changed). */
  settings?: CertificateSettings | undefined;
  /** The clock of the backoff decision (`ACMAPI_NOW`). @default the system's */
  now?: (() => Date) | undefined;
}

/** What one presented run led to: core's result, and its `--json` result. */
export interface PresentedRun {
  result: RunCertificateResult;
  /**
   * The `--json` result (with the preflight, and the signal that ended a `--wait`).
   * @throws {StoreError} `STORE_PENDING_EXISTS` for `already-pending`; see `toResultJson`.
   */
  json: () => ResultJson;
}

/**
 * Runs core's lifecycle for one certificate with the command line's context, presenting its events.
 *
 * @throws whatever core's `runCertificate` throws (after a progress line says it failed).
 */
export async function runPresented(
  context: RunContext,
  lifecycle: Pick<LifecycleOptions, 'name' | 'command' | 'domains' | 'handleId' | 'keyType' | 'defaultKeyType' | 'keySource' | 'force' | 'renewBeforeDays' | 'waitMs' | 'settings' | 'now'>,
): Promise<PresentedRun> {
  // Ctrl-C or SIGTERM aborts the run, not the process: it unwinds as after an error (signfile
  // put back, locks released); while waiting for a pending application, it ends the wait.
  const interrupt = new InterruptWatch((line) => {
    context.output.warn(line);
  });
  interrupt.start();
  const presenter = new EventPresenter(context.output);
  try {
    const result = await runLifecycle({
      ...lifecycle,
      repository: context.store,
      client: async () => createClient(await context.credentials(), context, context.output),
      lockWaitMs: context.lockWaitMs,
      signal: interrupt.signal,
      signfile: context.signfile,
      pkcs12: context.pfxPassphrase === undefined ? undefined : { passphrase: context.pfxPassphrase },
      onEvent: presenter.onEvent,
    });
    presenter.finished(result);
    const received = interrupt.received;
    return {
      result,
      json: () => {
        const json: ResultJson = {
          ...toResultJson(result),
          ...(presenter.preflight === undefined ? {} : { preflight: presenter.preflight }),
          ...(presenter.preflightNote === undefined ? {} : { preflightNote: presenter.preflightNote }),
        };
        return result.status === 'pending' && result.interrupted && received !== undefined ? interruptedResult(json, received) : json;
      },
    };
  } catch (error) {
    presenter.failed();
    throw interruptedOr(error, interrupt.received);
  } finally {
    interrupt.stop();
  }
}

/** What a run threw, as the command's error: the abort that a signal caused is the interruption (exit 130/143). */
function interruptedOr(error: unknown, received: InterruptSignal | undefined): unknown {
  return received !== undefined && isTransportError(error) && error.code === 'TRANSPORT_ABORTED' ? new InterruptedError(received, error) : error;
}

/**
 * Runs one certificate (`issue`/`renew`). See the module comment.
 *
 * @returns `issued` (exit 0), `not-due` (exit 0), `pending` (exit 3; 130/143 when a signal ended `--wait`),
 *   or `skipped-by-backoff` (exit 5; `renew` of a failing certificate before its next attempt).
 * @throws {StoreError} `STORE_LOCKED` (another process kept the lock past `lockWaitMs`),
 *   `STORE_PENDING_EXISTS` (`issue` over a pending application without `force`), `STORE_CORRUPT`.
 * @throws {PreflightError} `PREFLIGHT_FAILED` with `--preflight strict` (nothing written, nothing sent).
 * @throws {CsrError} for a key source that cannot succeed (`KEY_REQUIRED`: a CSR without its key).
 * @throws {CaError}, {TransportError}, {ProtocolError}, {CertificateError} from the CA call,
 *   recorded first (see core's `runCertificate`); {DomainError} (nothing sent);
 *   {InterruptedError} when SIGINT/SIGTERM stopped the run before the CA answered.
 */
export async function runCertificate(options: RunCertificateOptions): Promise<ResultJson> {
  const { target } = options;
  const run = await runPresented(options, {
    name: target.name,
    command: options.command,
    domains: target.domains,
    keyType: target.keyType,
    defaultKeyType: target.defaultKeyType,
    keySource: target.keySource,
    force: options.force,
    renewBeforeDays: options.days,
    waitMs: options.waitMs,
    settings: options.settings,
    now: options.now,
  });
  return run.json();
}

/**
 * Opens the filesystem store at `dir` (core's `openStore`) for one command and runs `fn` with
 * it. A store folder this command created and left empty — nothing was kept, e.g. a strict
 * preflight failed — is removed again, so a run that wrote nothing leaves nothing behind.
 *
 * @throws {LocalIoError} when the folder cannot be created; whatever `fn` throws.
 */
export async function withStore<T>(dir: string, now: (() => Date) | undefined, fn: (store: CertificateStore) => Promise<T>): Promise<T> {
  const existed = await stat(dir).then(
    () => true,
    () => false,
  );
  const store = await localIo('create the store folder', dir, () => openStore(dir, now === undefined ? {} : { now }), STORE_ELSEWHERE);
  try {
    return await fn(store);
  } finally {
    // Only a folder left empty (but for its key .gitignore) goes: a certificate written meanwhile stays.
    if (!existed) await removeStoreFolderIfUnused(dir);
  }
}

/** One certificate of {@link runPresentedFleet}: core's fleet target, with its domains for an error's result. */
export interface PresentedFleetTarget extends FleetTarget {
  domains: string[];
}

/** Options of {@link runPresentedFleet}. */
export interface PresentedFleetOptions extends ClientFlags {
  store: CertificateRepository & { readonly dir: string };
  command: 'issue' | 'renew';
  targets: readonly PresentedFleetTarget[];
  credentials: () => Promise<Credentials>;
  output: Output;
  now: (() => Date) | undefined;
  concurrency: number;
  force: boolean;
  /** `--retry-now`: failing certificates are tried inside their backoff. */
  ignoreBackoff?: boolean | undefined;
  /** Renew when fewer than this many days are left, for certificates that remember none. */
  days: number | undefined;
  waitMs: number;
  lockWaitMs: number;
  metricsFile?: string | undefined;
  notifyUrl?: string | undefined;
  /** Where a remembered passphrase variable is read; the environment hooks inherit. */
  env: NodeJS.ProcessEnv;
  /** The signfile phase of every certificate; `undefined`: each one's from its settings. */
  signfile?: SignfilePhaseOptions | undefined;
  /** The preflight's overrides for a signfile phase made from the settings. */
  signfileExtras?: SignfileSettings | undefined;
  /** The preflight mode of a certificate whose settings name none. */
  defaultPreflight: (settings: CertificateSettings) => PreflightMode;
  /** `--pfx` given: its passphrase; else each certificate's remembered one. */
  pfxPassphrase: string | undefined;
}

/** What {@link runPresentedFleet} led to. */
export interface PresentedFleet {
  /** Per target, in order: its `--json` result (`status: 'error'` when its run threw). */
  results: ResultJson[];
  /** What each run threw, by target (for `issue`, which reports it as its own error). */
  errors: unknown[];
  /** The run's pre and post hooks. */
  hooks: HookJson[];
  /** The metrics file or notifications that failed. */
  reportErrors: ErrorJson[];
}

const NO_SIGNFILE_FLAGS: SignfileSettings = { signfile: undefined, signfilePath: undefined, resolve: [], httpPort: undefined, httpsPort: undefined, dnsServers: [] };

/**
 * Runs certificates through core's `runFleet` (pre/post hooks once, deploy and failure hooks,
 * metrics file, notifications) with the command line's context, each presented by its own
 * {@link EventPresenter}. Ctrl-C/SIGTERM aborts every certificate's run (a `--wait` ends, a
 * certificate not yet begun does not begin; each cleans up as after an error), not the pre
 * and post hooks. Never throws for one certificate: see {@link PresentedFleet}.
 */
export async function runPresentedFleet(options: PresentedFleetOptions): Promise<PresentedFleet> {
  const { output } = options;
  const presented = new Map<string, EventPresenter>();
  const interrupt = new InterruptWatch((line) => {
    output.warn(line);
  });
  // The run's own events (pre/post hooks, reports); each certificate's go to its own presenter.
  const runPresenter = new EventPresenter(output);
  interrupt.start();
  const fleet = await runFleet({
    repository: options.store,
    command: options.command,
    targets: options.targets.map((target) => ({ name: target.name, settings: target.settings, keySource: target.keySource, defaultKeyType: target.defaultKeyType })),
    client: async () => createClient(await options.credentials(), options, output),
    now: options.now,
    concurrency: options.concurrency,
    force: options.force,
    ignoreBackoff: options.ignoreBackoff,
    renewBeforeDays: options.days,
    waitMs: options.waitMs,
    lockWaitMs: options.lockWaitMs,
    metricsFile: options.metricsFile,
    notifyUrl: options.notifyUrl,
    hookOptions: { env: options.env },
    onEvent: (event) => {
      if (event.certificate === undefined || event.type === 'report-failed') runPresenter.onEvent(event);
      // The warning of a certificate whose run failed comes from the fleet, after that run.
      else if (event.type === 'expiry-warning') (presented.get(event.certificate) ?? runPresenter).onEvent(event);
    },
    prepare: async (target, settings) => {
      const signfile = options.signfile ?? (await signfilePhaseOf(settings, options.signfileExtras ?? NO_SIGNFILE_FLAGS, options.defaultPreflight(settings)));
      const pfx = await runPfxPassphrase(options.pfxPassphrase, settings, options.env);
      if (pfx !== undefined) output.addSecret(pfx);
      const presenter = new EventPresenter(output);
      presented.set(target.name, presenter);
      return { signfile, ...(pfx === undefined ? {} : { pkcs12: { passphrase: pfx } }), onEvent: presenter.onEvent, signal: interrupt.signal };
    },
  }).finally(() => {
    interrupt.stop();
  });
  const received = interrupt.received;
  const errors: unknown[] = [];
  const results = fleet.certificates.map((certificate, i): ResultJson => {
    const target = options.targets[i];
    const own = presented.get(certificate.name);
    const error = interruptedOr(certificate.error, received);
    errors.push(certificate.result === undefined || certificate.result.status === 'already-pending' ? error : undefined);
    const hooks = certificate.hooks.map(hookJson);
    const warning = certificate.expiryWarning;
    const base = {
      outcome: certificate.outcome,
      ...(hooks.length === 0 ? {} : { hooks }),
      ...(warning === undefined ? {} : { expiryWarning: { notAfter: warning.notAfter.toISOString(), daysLeft: warning.daysLeft } }),
    };
    const result = certificate.result;
    if (result === undefined || result.status === 'already-pending') {
      own?.failed();
      const interrupted = error instanceof InterruptedError ? { interrupted: error.signal } : {};
      return { status: 'error', name: certificate.name, domains: target?.domains ?? [], dir: join(options.store.dir, certificate.name), exitCode: exitCodeFor(error), error: describeError(error), ...interrupted, ...base };
    }
    own?.finished(result);
    let json: ResultJson = {
      ...toResultJson(result),
      ...(own?.preflight === undefined ? {} : { preflight: own.preflight }),
      ...(own?.preflightNote === undefined ? {} : { preflightNote: own.preflightNote }),
      ...base,
    };
    if (result.status === 'pending' && result.interrupted && received !== undefined) json = interruptedResult(json, received);
    // Only the deploy step failed: the result says what went live, the error why it failed.
    if (certificate.outcome === 'failed' && certificate.error !== undefined && json.error === undefined) json = { ...json, error: describeError(certificate.error), exitCode: exitCodeFor(certificate.error) };
    return json;
  });
  // Core's result does not carry the backoff a failure left; the store recorded it (failures in
  // a row, next attempt), so a failed entry says when renew tries again, as show does.
  const withBackoff = await Promise.all(
    results.map(async (json, i) => {
      const certificate = fleet.certificates[i];
      return certificate?.outcome === 'failed' ? withFailures(json, await readFailures(options.store, certificate.name)) : json;
    }),
  );
  return { results: withBackoff, errors, hooks: fleet.hooks.map(hookJson), reportErrors: (fleet.reportErrors ?? []).map((report) => describeError(report.error)) };
}

/** The recorded failures of certificate `name`; `undefined` when it has none or its record cannot be read (its run said why). */
async function readFailures(store: CertificateRepository, name: string): Promise<CertificateFailures | undefined> {
  try {
    return (await store.get(name))?.failures;
  } catch {
    return undefined;
  }
}
