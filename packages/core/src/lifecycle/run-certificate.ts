/**
 * The certificate lifecycle — the one orchestration of issue, renewal and retrieval that the
 * CLI, the GitHub Action and the VS Code extension all call:
 *
 * ```
 * lock ─ plan ─ signfile phase ─ key + CSR ─ prepare (saved) ─ apply ─ pending? (handle saved) ─ poll ─ install (verified) ─ PKCS#12 ─ deploy
 *         │      (place, preflight,                                                                  │                          (install targets,
 *         │       clean up)                                                                          └─ or record the failure    deploy hook)
 *         └─ not due / already pending / retrieve a pending handle / resend a prepared application
 *            (not due: install targets that are missing or differ are written, then the deploy hook)
 * ```
 *
 * Rules that live here and nowhere else:
 * - what to do is decided under the certificate's lock from its record ({@link planApplication});
 * - the signfile phase runs before any new key is written, so a strict preflight that fails
 *   writes nothing;
 * - the key and CSR are saved before the application is sent, the handle before any poll;
 * - a pending handle is polled with one schedule (5 s doubling to 5 min, jittered, the client's);
 * - a CA error 101–110 to a new application retires its key (`refused`); while pending only
 *   109 does (a 108 may be a wrong customer id, so the handle is kept); anything else keeps the
 *   application for the next run;
 * - the certificate is checked against the saved CSR and key before it goes live;
 * - after a certificate went live, the settings' install targets are written and the `deploy`
 *   hook runs once; a run with nothing due writes only targets that are missing or differ, and
 *   runs the deploy hook only when it wrote one — so nothing due means no file changed and no
 *   hook (see `deploy-step.ts`); a failing install or hook is reported (`deploy` in the result,
 *   `deploy-failed` event), never undoes the live certificate, and counts as a failure;
 * - the `failure` hook runs when the run failed (an error thrown from under the lock, or a
 *   failed deploy step), or when the live certificate is within its warning period (the last
 *   sixth of its lifetime, `expiryWarning`) and this run did not renew it (`expiry-warning` event).
 *
 * Persistence is a {@link CertificateRepository}; progress is a stream of {@link LifecycleEvent}s.
 */
import type { AcmApiClient, CertificateResult } from '../client/client.js';
import { recordableEndpoint } from '../client/endpoint.js';
import { caaPolicyFor } from '../preflight/caa-identities.js';
import { CaError, CertificateError, InternalError, OptionsError, isTransportError } from '../errors/errors.js';
import type { KeyType } from '../pki/key-types.js';
import type { CertificateRecord } from '../store/certificate-record.js';
import type { LifecycleEvent, LifecycleListener } from './events.js';
import { checkKeySource, resolveKeySource, type KeySource } from './key-source.js';
import { planApplication } from './plan-application.js';
import type { CertificateRepository, CertificateSession, StoredApplication } from './repository.js';
import { sameSettings, signfilePhaseFromSettings, type CertificateSettings } from './settings.js';
import { checkSignfilePhase, withSignfile, type SignfilePhaseOptions } from './signfile-phase.js';
import { publishStep } from './steps.js';
import { stopIfAborted } from './stop-if-aborted.js';
import type { CertificateInfo } from '../pki/certificate.js';
import type { HookResult } from '../deploy/hooks.js';
import { deployLive, errorSummary, expiryWarning, hookFiles, runReportedHook, type DeployReport, type HookRunOptions } from './deploy-step.js';

/** Options of {@link runCertificate}. Durations are in milliseconds. */
export interface RunCertificateOptions {
  /** Where the certificate is kept: the filesystem store, or another {@link CertificateRepository}. */
  repository: CertificateRepository;
  /** The certificate's name in the repository. */
  name: string;
  /**
   * `issue` refuses over a pending application (result `already-pending`); `renew` retrieves
   * it; `retrieve` only asks the CA for the application with `handleId`.
   */
  command: 'issue' | 'renew' | 'retrieve';
  /**
   * The domains wanted (spec §4); required for `issue`/`renew` (else `settings.domains`). A
   * change from the live certificate's means a new application.
   */
  domains?: readonly string[] | undefined;
  /**
   * How the certificate is obtained, remembered under the lock when they differ from the
   * stored ones (see {@link CertificateSettings}; `mergeSettings` makes them from the stored
   * ones and the caller's input). They also supply `domains`, `keyType`, `renewBeforeDays`
   * and — read from the signfile's file — `signfile` where those options are not given, and
   * the key policy: with `reuseKey` a renewal makes its CSR with the live private key.
   */
  settings?: CertificateSettings | undefined;
  /** The clock of the plan's backoff decision. @default () => new Date() */
  now?: (() => Date) | undefined;
  /** `renew` a failing certificate now, inside its backoff, keeping its application (see `planApplication`). @default false */
  ignoreBackoff?: boolean | undefined;
  /** For `retrieve`: the handle of the pending application (spec §3). */
  handleId?: string | undefined;
  /** The key type of a generated key. @default the live certificate's, else `defaultKeyType` */
  keyType?: KeyType | undefined;
  /**
   * The key type of a generated key when neither `keyType`, `settings` nor the live certificate
   * names one (a project file's `defaults.keyType`); never remembered, the same precedence as
   * the fallbacks of `settingsForRun` (`@acmapi/core/settings`). @default `ec-p256`
   */
  defaultKeyType?: KeyType | undefined;
  /** Where a new application's key and CSR come from (see {@link KeySource}). @default `{ kind: 'generate' }` */
  keySource?: KeySource | undefined;
  /** Apply even when not due, or over an application in progress (its key is kept, `abandoned`). @default false */
  force?: boolean | undefined;
  /** Renew when fewer than this many days are left. @default a third of the lifetime */
  renewBeforeDays?: number | undefined;
  /**
   * Makes the client; called only when the CA is contacted (a not-due run needs no
   * credentials) and BEFORE a new key is saved. The run closes it.
   */
  client: () => AcmApiClient | Promise<AcmApiClient>;
  /** How long to poll a pending application; 0 saves the handle and returns. @default 0 */
  waitMs?: number | undefined;
  /** How long to wait for another process holding the certificate. @default 10_000 */
  lockWaitMs?: number | undefined;
  /** Aborts the CA calls; an abort while polling a saved handle returns `pending` with `interrupted: true`. */
  signal?: AbortSignal | undefined;
  /** The signfile phase around every sending of an application (new or resent). @default no placement, preflight `warn` */
  signfile?: SignfilePhaseOptions | undefined;
  /** Keep a PKCS#12 file of the live version with this passphrase, where the repository can. */
  pkcs12?: { readonly passphrase: string } | undefined;
  /** Receives the run's events (see {@link LifecycleEvent}). */
  onEvent?: LifecycleListener | undefined;
  /** How the settings' `deploy` and `failure` hooks are started (their environment, a signal). @default process.env */
  hookOptions?: HookRunOptions | undefined;
}

/**
 * What a run did after its certificate's lifecycle step, in every result that has a live
 * certificate or a warning (`issued`, `not-due`, `skipped-by-backoff`, `pending`).
 */
export interface AfterRun {
  /** The deploy step (install targets, deploy hook); `undefined` when there was nothing to do. See {@link DeployReport}. */
  deploy?: DeployReport | undefined;
  /** The live certificate is within its warning period and was not renewed (see `expiryWarning`). */
  expiryWarning?: { notAfter: Date; daysLeft: number } | undefined;
  /** The `failure` hook, when it ran (a failed deploy step, or the expiry warning). */
  failureHook?: HookResult | undefined;
}

/** What the `issued` and `pending` results of {@link RunCertificateResult} share: the application the CA answered. */
export interface AnsweredApplication {
  /** The certificate's name in the repository. */
  name: string;
  /** The certificate's folder in the repository (the filesystem store's `STORE/NAME`). */
  dir: string;
  /** The domains applied for, normalised (spec §4). */
  domains: string[];
  /** The CA's handle of the application (spec §3, `handle_id`). */
  handleId: string;
  /** The repository's id of the application (the store's version folder), holding its key, CSR and certificate. */
  version: string;
}

/** What {@link runCertificate} led to. */
export type RunCertificateResult =
  /** A certificate is live now; `chainMissing` when the CA sent the leaf without its chain and it could not be completed. */
  | (AnsweredApplication & {
      status: 'issued';
      leaf: CertificateInfo;
      chainMissing: boolean;
      /** Why the chain could not be completed; empty when it was, or when it came with the certificate. */
      chainWarnings: readonly string[];
      /** The PKCS#12 file, when `pkcs12` was asked for. */
      pkcs12Path: string | undefined;
    } & AfterRun)
  /** Not due yet: nothing was sent. */
  | ({ status: 'not-due'; record: CertificateRecord; pkcs12Path: string | undefined } & AfterRun)
  /** `renew` of a failing certificate before its next attempt (the backoff): nothing was sent. */
  | ({ status: 'skipped-by-backoff'; record: CertificateRecord; nextAttemptAt: Date; failures: number; code: string } & AfterRun)
  /** The CA holds the application for review; its handle is saved. `interrupted`: `signal` ended the wait. */
  | (AnsweredApplication & { status: 'pending'; interrupted: boolean } & AfterRun)
  /** `issue` without `force` over a pending application: nothing was sent. */
  | { status: 'already-pending'; name: string; handleId: string }
  /** `retrieve` of a handle whose certificate is live already: nothing was asked. */
  | { status: 'already-installed'; record: CertificateRecord; handleId: string }
  /** `retrieve` of a handle the certificate has no application for (retired, or never there). */
  | { status: 'not-found'; record: CertificateRecord | undefined; handleId: string };

type Issued = Extract<RunCertificateResult, { status: 'issued' }>;
type Pending = Extract<RunCertificateResult, { status: 'pending' }>;

/**
 * Runs one certificate through its lifecycle. See the module comment.
 *
 * @returns see {@link RunCertificateResult}.
 * @throws {OptionsError} `OPTIONS_INVALID` without `domains` (`issue`/`renew`) or `handleId`
 *   (`retrieve`), signfile options that cannot work, or a remembered signfile that cannot be
 *   read — before anything is read or written.
 * @throws {CsrError} when the key source cannot succeed (e.g. `KEY_REQUIRED`); nothing sent.
 * @throws {StoreError} `STORE_LOCKED`, `STORE_NAME_INVALID`, `STORE_CORRUPT`.
 * @throws {PreflightError} `PREFLIGHT_FAILED` in mode `strict` (nothing written, nothing sent).
 * @throws {CaError}, {TransportError}, {ProtocolError}, {CertificateError} from the CA call or
 *   the install, recorded first (see the module comment for which retire the application).
 * @throws {DomainError} when the request cannot succeed (nothing sent); whatever `client` throws.
 */
export async function runCertificate(given: RunCertificateOptions): Promise<RunCertificateResult> {
  const options = await withSettings(given);
  const { command } = options;
  // `renew` checks its domains under the lock, after the record: a damaged certificate has none,
  // and is reported damaged rather than as a call without domains.
  if (command === 'retrieve' ? options.handleId === undefined : command === 'issue' && options.domains === undefined) {
    throw new OptionsError(command === 'retrieve' ? 'retrieve needs the handle of the application.' : `${command} needs the domains.`, {
      option: command === 'retrieve' ? 'handleId' : 'domains',
    });
  }
  if (options.signfile !== undefined) checkSignfilePhase(options.signfile);
  if (options.keySource !== undefined && command !== 'retrieve') {
    checkKeySource(options.keySource, { domains: options.domains ?? [], requirePrivateKey: options.repository.requiresPrivateKey });
  }
  const run = new Run(options);
  return options.repository.withCertificate(
    options.name,
    (certificate) => run.withDeploy(certificate, () => (command === 'retrieve' ? run.retrieveHandle(certificate, options.handleId ?? '') : run.planAndAct(certificate, command))),
    {
      ...(options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onWait: (holder, waitMs) => {
        options.onEvent?.({ type: 'lock-waiting', certificate: options.name, holder, waitMs });
      },
    },
  );
}

/** The options with what `settings` supplies where they give nothing. */
async function withSettings(options: RunCertificateOptions): Promise<RunCertificateOptions> {
  const { settings } = options;
  if (settings === undefined || options.command === 'retrieve') return options;
  return {
    ...options,
    domains: options.domains ?? (settings.domains.length > 0 ? settings.domains : undefined),
    keyType: options.keyType ?? settings.keyType,
    renewBeforeDays: options.renewBeforeDays ?? settings.renewBeforeDays,
    signfile: options.signfile ?? (settings.signfile === undefined ? undefined : await signfilePhaseFromSettings(settings)),
  };
}

/** One run's state: its options and its event sink. */
class Run {
  readonly #options: RunCertificateOptions;

  constructor(options: RunCertificateOptions) {
    this.#options = options;
  }

  #emit(event: LifecycleEvent): void {
    this.#options.onEvent?.(event);
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /**
   * Runs the lifecycle step `step`, then the deploy step and the warning check (see the module
   * comment); runs the `failure` hook when `step` throws, and rethrows.
   */
  async withDeploy(certificate: CertificateSession, step: () => Promise<RunCertificateResult>): Promise<RunCertificateResult> {
    let result: RunCertificateResult;
    try {
      result = await step();
    } catch (error) {
      await this.#failureHook(certificate, 'failed', { error });
      throw error;
    }
    return this.#afterRun(certificate, result);
  }

  async #afterRun(certificate: CertificateSession, result: RunCertificateResult): Promise<RunCertificateResult> {
    const settings = this.#options.settings;
    const common = { certificate, install: settings?.install, hooks: settings?.hooks, hookOptions: this.#options.hookOptions ?? {}, emit: (event: LifecycleEvent) => { this.#emit(event); } };
    switch (result.status) {
      case 'issued': {
        const deploy = await deployLive({ ...common, domains: result.domains, notAfter: result.leaf.notAfter, handleId: result.handleId, wentLive: true });
        const failureHook = deploy?.error === undefined ? undefined : await this.#failureHook(certificate, 'deploy-failed', { error: deploy.error, notAfter: result.leaf.notAfter });
        return { ...result, deploy, ...(failureHook === undefined ? {} : { failureHook }) };
      }
      case 'not-due':
      case 'skipped-by-backoff':
      case 'pending': {
        const record = result.status === 'pending' ? await certificate.record(this.#recordOptions()) : result.record;
        const live = record?.live;
        if (live === undefined) return result;
        const deploy =
          result.status === 'pending' ? undefined : await deployLive({ ...common, domains: live.domains, notAfter: live.notAfter, handleId: live.handleId, wentLive: false });
        const warning = expiryWarning(live, this.#now());
        const expiry = warning.warn ? { notAfter: live.notAfter, daysLeft: warning.daysLeft } : undefined;
        if (expiry !== undefined) this.#emit({ type: 'expiry-warning', certificate: certificate.name, ...expiry });
        // One failure hook per run: a failed deploy step says more than the warning.
        const failureHook =
          deploy?.error !== undefined
            ? await this.#failureHook(certificate, 'deploy-failed', { error: deploy.error, notAfter: live.notAfter })
            : expiry === undefined
              ? undefined
              : await this.#failureHook(certificate, 'expiry-warning', { notAfter: live.notAfter });
        return { ...result, deploy, ...(expiry === undefined ? {} : { expiryWarning: expiry }), ...(failureHook === undefined ? {} : { failureHook }) };
      }
      case 'already-pending':
      case 'already-installed':
      case 'not-found':
        return result;
    }
  }

  /** Runs the settings' `failure` hook, when there is one; never throws. */
  async #failureHook(certificate: CertificateSession, reason: 'failed' | 'deploy-failed' | 'expiry-warning', about: { error?: unknown; notAfter?: Date }): Promise<HookResult | undefined> {
    const settings = this.#options.settings;
    const command = settings?.hooks?.failure;
    if (command === undefined || command === '') return undefined;
    try {
      const record = await certificate.record(this.#recordOptions()).catch(() => undefined);
      const notAfter = about.notAfter ?? record?.live?.notAfter;
      const result = await runReportedHook(
        'failure',
        command,
        {
          kind: 'failure',
          certificate: certificate.name,
          domains: [...(this.#options.domains ?? record?.domains ?? settings?.domains ?? [])],
          files: hookFiles(certificate.dir, settings?.install),
          ...(notAfter === undefined ? {} : { notAfter: notAfter.toISOString() }),
          ...(record?.application?.handleId === undefined ? {} : { handleId: record.application.handleId }),
          ...(about.error === undefined ? {} : { error: errorSummary(about.error) }),
          reason,
        },
        settings?.hooks?.timeoutMs,
        this.#options.hookOptions ?? {},
        (event) => { this.#emit(event); },
      );
      return result;
    } catch {
      // runHook never throws; reading the record may. The run's own outcome matters more.
      return undefined;
    }
  }

  #recordOptions(): { days?: number } {
    return this.#options.renewBeforeDays === undefined ? {} : { days: this.#options.renewBeforeDays };
  }

  async planAndAct(certificate: CertificateSession, command: 'issue' | 'renew'): Promise<RunCertificateResult> {
    // A fleet's certificate that had not begun when the run was aborted does not begin.
    stopIfAborted(this.#options.signal);
    const options = this.#options;
    const record = await certificate.record(this.#recordOptions());
    // A renewal never takes a damaged certificate for a new one (its keys are untracked); the
    // failure hook and the fleet's reports still hear of it.
    if (record === undefined && command === 'renew') await certificate.checkNoUnrecordedFiles?.();
    if (options.domains === undefined) throw new OptionsError(`${command} needs the domains.`, { option: 'domains' });
    const domains = [...options.domains];
    const plan = planApplication(record, {
      command,
      force: options.force ?? false,
      domains,
      now: options.now?.() ?? new Date(),
      ignoreBackoff: options.ignoreBackoff ?? false,
      ...(options.keyType === undefined ? {} : { keyType: options.keyType }),
    });
    this.#emit({ type: 'planned', certificate: certificate.name, plan, record });
    switch (plan.action) {
      case 'skip': {
        // planApplication skips only a certificate with a record (live, or failures).
        if (record === undefined) throw new InternalError('planApplication skipped a certificate without a record.');
        await this.#remember(certificate);
        if (plan.reason === 'backoff') return { status: 'skipped-by-backoff', record, nextAttemptAt: plan.nextAttemptAt, failures: plan.failures, code: plan.code };
        return { status: 'not-due', record, pkcs12Path: await this.#exportPkcs12(certificate) };
      }
      case 'refuse':
        return { status: 'already-pending', name: certificate.name, handleId: plan.handleId };
      case 'retrieve': {
        const application = await this.#application(certificate);
        await this.#remember(certificate);
        return this.#withClient((client) => this.#retrieve(certificate, application, client));
      }
      case 'resume': {
        const application = await this.#application(certificate);
        this.#emit({ type: 'application-resending', certificate: certificate.name, domains: application.domains });
        return this.#withClient((client) => {
          this.#noteEndpoint(certificate, application, client, 'resend');
          return this.#signfilePhase(certificate, application.domains, client, async () => {
            await this.#remember(certificate);
            return this.#apply(certificate, application, client);
          });
        });
      }
      case 'apply':
        return this.#withClient((client) => this.#prepareAndSend(certificate, record, domains, plan.replacesApplication, client));
    }
  }

  /** `retrieve`: the application with `handleId`, looked at under the lock (another run may have fetched it meanwhile). */
  async retrieveHandle(certificate: CertificateSession, handleId: string): Promise<RunCertificateResult> {
    const application = await certificate.readApplication();
    if (application?.handleId !== handleId) {
      const record = await certificate.record(this.#recordOptions());
      if (record?.live?.handleId === handleId) return { status: 'already-installed', record, handleId };
      return { status: 'not-found', record, handleId };
    }
    return this.#withClient((client) => this.#retrieve(certificate, application, client));
  }

  async #application(certificate: CertificateSession): Promise<StoredApplication> {
    const application = await certificate.readApplication();
    // The plan came from the same record under the same lock: an application is there.
    if (application === undefined) throw new InternalError(`planApplication found an application of "${certificate.name}" that is not there.`);
    return application;
  }

  /** Makes the client (before anything is written), runs `fn` with it, and closes it. */
  async #withClient<T>(fn: (client: AcmApiClient) => Promise<T>): Promise<T> {
    const client = await this.#options.client();
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  #noteEndpoint(certificate: CertificateSession, application: StoredApplication, client: AcmApiClient, action: 'resend' | 'retrieve'): void {
    // Compared and shown without credentials: an older record may hold a URL's user info or query.
    const current = recordableEndpoint(client.endpoint);
    const recorded = application.endpoint === undefined ? undefined : (recordableEndpoint(application.endpoint) ?? '(not a URL)');
    if (recorded !== undefined && recorded !== current) {
      this.#emit({ type: 'endpoint-changed', certificate: certificate.name, recorded, current, action });
    }
  }

  /** Signfile phase, then a new key and CSR saved, then sent. */
  async #prepareAndSend(
    certificate: CertificateSession,
    record: CertificateRecord | undefined,
    domains: string[],
    replacesApplication: boolean,
    client: AcmApiClient,
  ): Promise<Issued | Pending> {
    const options = this.#options;
    return this.#signfilePhase(certificate, domains, client, async () => {
      // Aborted during the preflight: no key, no application is saved for a run that stops.
      stopIfAborted(this.#options.signal);
      const keyType = options.keyType ?? record?.live?.keyType ?? options.defaultKeyType;
      const source = await this.#keySource(certificate, record, options.keyType);
      if (source.kind === 'generate') this.#emit({ type: 'key-generating', certificate: certificate.name, keyType: keyType ?? 'ec-p256' });
      const keys = await resolveKeySource(source, { domains, keyType, requirePrivateKey: options.repository.requiresPrivateKey });
      publishStep('key-generated', { certificate: certificate.name });
      // Recorded without the user info or query a URL may carry credentials in (issue 11, finding 14).
      const endpoint = recordableEndpoint(client.endpoint);
      // Saved BEFORE the application is sent: if the CA signs and this process dies, the key is kept.
      const version = await certificate.prepareApplication(
        // The settings go into the same commit: one durable write, not two.
        { domains, keyType: keys.keyType, privateKeyPem: keys.privateKeyPem, csrPem: keys.csrPem, endpoint, settings: options.settings },
        { force: replacesApplication },
      );
      return this.#apply(certificate, { version, status: 'prepared', domains, keyType: keys.keyType, handleId: undefined, endpoint, privateKeyPem: keys.privateKeyPem, csrPem: keys.csrPem }, client);
    });
  }

  /**
   * Records the run's settings when the repository keeps them and they changed. Called only
   * once the run is sure to go on (after a strict preflight passed), so a run that stops
   * before writes nothing; and before the application is sent, so a failure is recorded
   * with the settings that `renew` needs to try again.
   */
  async #remember(certificate: CertificateSession): Promise<void> {
    const { settings } = this.#options;
    if (settings === undefined || certificate.recordSettings === undefined) return;
    const stored = (await certificate.record(this.#recordOptions()))?.settings;
    if (!sameSettings(stored, settings)) await certificate.recordSettings(settings);
  }

  /**
   * The key source of a new application: the caller's; else, with `settings.reuseKey` and a
   * live certificate of the same key type, the live private key (a new CSR is made with it);
   * else a generated key.
   */
  async #keySource(certificate: CertificateSession, record: CertificateRecord | undefined, keyType: KeyType | undefined): Promise<KeySource> {
    const options = this.#options;
    if (options.keySource !== undefined) return options.keySource;
    const live = record?.live;
    if (options.settings?.reuseKey === true && live !== undefined && (keyType === undefined || keyType === live.keyType)) {
      const files = await certificate.readLive();
      if (files?.privateKeyPem !== undefined) {
        this.#emit({ type: 'key-reused', certificate: certificate.name, version: files.version });
        return { kind: 'key', privateKeyPem: files.privateKeyPem };
      }
    }
    return { kind: 'generate' };
  }

  #signfilePhase<T>(certificate: CertificateSession, domains: readonly string[], client: AcmApiClient, send: () => Promise<T>): Promise<T> {
    const phase = this.#options.signfile ?? {};
    // CAA is checked against the CA this client talks to (issue 13): its domain, unless configured.
    const caa = caaPolicyFor(client.endpoint, client.customerId, phase.caaIdentities);
    const withCaa: SignfilePhaseOptions = { ...phase, caaIdentities: caa.identities, caaAccountUri: phase.caaAccountUri ?? caa.accountUri };
    return withSignfile(withCaa, domains, certificate.name, (event) => { this.#emit(event); }, send, this.#options.signal);
  }


  /** Sends the application once, records what the CA answered, and polls a pending answer (outside the signfile phase: the CA has validated). */
  async #apply(certificate: CertificateSession, application: StoredApplication, client: AcmApiClient): Promise<Issued | Pending> {
    stopIfAborted(this.#options.signal);
    this.#emit({ type: 'applying', certificate: certificate.name, domains: application.domains });
    let answer: CertificateResult;
    try {
      answer = await client.apply({ domains: application.domains, csr: application.csrPem }, { signal: this.#options.signal });
    } catch (error) {
      if (error instanceof CertificateError && error.handleId !== undefined && retrievingCanHelp(error)) {
        // An answer came, and its certificate failed a check (a clock behind the CA's): the CA
        // holds it under the handle, which is kept so that the next run retrieves it instead of
        // applying a second time (issue 11, finding 4).
        const handleId = error.handleId;
        await certificate.recordPending(handleId).catch(() => undefined);
        await this.#recordFailure(certificate, error, false);
        throw error;
      }
      // Aborted by the caller (Ctrl-C) while sending: not a failure of the CA, so no backoff; the
      // saved application stays unsent (`prepared`), and the next run sends it again.
      if (this.#options.signal?.aborted === true && isTransportError(error) && error.code === 'TRANSPORT_ABORTED') throw error;
      // 101–110 to the application itself: the CA holds nothing for this key, retire it.
      await this.#recordFailure(certificate, error, error instanceof CaError && error.status !== 111);
      throw error;
    }
    publishStep('applied', { certificate: certificate.name });
    if (answer.status === 'issued') return this.#install(certificate, application, answer, true);
    return this.#pending(certificate, { ...application, handleId: answer.handleId }, client);
  }

  /** Saves the handle, then polls up to `waitMs`. */
  async #pending(certificate: CertificateSession, application: StoredApplication & { handleId: string }, client: AcmApiClient): Promise<Issued | Pending> {
    await this.#guard(certificate, false, () => certificate.recordPending(application.handleId));
    const waitMs = this.#options.waitMs ?? 0;
    this.#emit({ type: 'pending', certificate: certificate.name, handleId: application.handleId, waitMs });
    return this.#poll(certificate, application, client, waitMs);
  }

  /** Asks the CA once for a pending application, then polls up to `waitMs`. */
  async #retrieve(certificate: CertificateSession, application: StoredApplication, client: AcmApiClient): Promise<Issued | Pending> {
    const handleId = application.handleId ?? '';
    this.#noteEndpoint(certificate, application, client, 'retrieve');
    this.#emit({ type: 'retrieving', certificate: certificate.name, handleId });
    const answer = await this.#guard(certificate, true, async () => {
      await certificate.recordPoll();
      return client.retrieve(handleId, { csr: application.csrPem, signal: this.#options.signal });
    });
    if (answer.status === 'issued') return this.#install(certificate, application, answer);
    return this.#poll(certificate, { ...application, handleId }, client, this.#options.waitMs ?? 0);
  }

  async #poll(certificate: CertificateSession, application: StoredApplication & { handleId: string }, client: AcmApiClient, waitMs: number): Promise<Issued | Pending> {
    const pending = (interrupted: boolean): Pending => ({ status: 'pending', ...this.#answered(certificate, application), interrupted });
    if (waitMs === 0) return pending(false);
    let answer: CertificateResult;
    try {
      answer = await this.#guard(certificate, true, () =>
        client.waitFor(application.handleId, {
          waitMs,
          csr: application.csrPem,
          signal: this.#options.signal,
          onPoll: async (poll, nextPollMs) => {
            await certificate.recordPoll();
            this.#emit({ type: 'polled', certificate: certificate.name, handleId: application.handleId, poll, nextPollMs });
          },
        }),
      );
    } catch (error) {
      // An abort while polling a saved handle ends the wait, not the application.
      if (this.#options.signal?.aborted === true) return pending(true);
      throw error;
    }
    if (answer.status === 'pending') return pending(false);
    return this.#install(certificate, application, answer);
  }

  /**
   * Runs a step of an application that has reached the CA; on failure records it and rethrows.
   * `pending`: the CA holds the application, so only a refusal (109) ends it.
   */
  async #guard<T>(certificate: CertificateSession, pending: boolean, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (!(pending && this.#options.signal?.aborted === true)) {
        await this.#recordFailure(certificate, error, pending ? error instanceof CaError && error.status === 109 : false);
      }
      throw error;
    }
  }

  /** `saveHandle`: the answer came to `apply`, so the application has no handle saved yet. */
  async #install(certificate: CertificateSession, application: StoredApplication, answer: Extract<CertificateResult, { status: 'issued' }>, saveHandle = false): Promise<Issued> {
    // The repository checks again, against the saved CSR and private key, before writing anything.
    const installed = await this.#guard(certificate, true, async () => {
      try {
        return await certificate.installCertificate(answer.certificate.fullchainPem);
      } catch (error) {
        // The CA holds the certificate under the handle: kept, the next run retrieves it instead
        // of applying a second time (issue 11, finding 4). A killed process resends instead.
        if (saveHandle && retrievingCanHelp(error)) await certificate.recordPending(answer.handleId).catch(() => undefined);
        throw error;
      }
    });
    const result: Issued = {
      status: 'issued',
      ...this.#answered(certificate, { ...application, handleId: answer.handleId }),
      version: installed.version,
      leaf: installed.leaf,
      chainMissing: answer.certificate.chainPem === '',
      chainWarnings: answer.certificate.warnings,
      pkcs12Path: undefined,
    };
    this.#emit({ type: 'issued', certificate: certificate.name, handleId: result.handleId, version: result.version, leaf: result.leaf, chainMissing: result.chainMissing, chainWarnings: result.chainWarnings });
    const now = this.#now();
    const aheadMs = result.leaf.notBefore.getTime() - now.getTime();
    if (aheadMs > 0) this.#emit({ type: 'clock-skew', certificate: certificate.name, notBefore: result.leaf.notBefore, now, aheadMs });
    return { ...result, pkcs12Path: await this.#exportPkcs12(certificate) };
  }

  #answered(certificate: CertificateSession, application: StoredApplication & { handleId: string }): AnsweredApplication {
    return { name: certificate.name, dir: certificate.dir, domains: application.domains, handleId: application.handleId, version: application.version };
  }

  /** The deploy step of this issue: a PKCS#12 file of the live version, when asked for. */
  async #exportPkcs12(certificate: CertificateSession): Promise<string | undefined> {
    const passphrase = this.#options.pkcs12?.passphrase;
    if (passphrase === undefined || certificate.exportPkcs12 === undefined) return undefined;
    const path = await certificate.exportPkcs12(passphrase);
    if (path !== undefined) this.#emit({ type: 'pkcs12-exported', certificate: certificate.name, path });
    return path;
  }

  /** Records a failure (shown by `list`); never hides the original error. */
  async #recordFailure(certificate: CertificateSession, error: unknown, retire: boolean): Promise<void> {
    try {
      if (retire) await certificate.recordRefused(error);
      else await certificate.recordError(error);
    } catch {
      // The original error matters more than a failure to note it.
    }
    this.#emit({ type: 'failed', certificate: certificate.name, error, retired: retire });
  }
}

/**
 * Whether fetching the same certificate again by its handle can succeed after `error` failed its
 * installation: yes after a clock that disagrees with the CA's (`CERT_NOT_YET_VALID`,
 * `CERT_EXPIRED`) or a failure of the store (a full disk); no when the certificate itself is wrong
 * (another key, missing domains, a broken chain): then the kept application is sent again.
 */
function retrievingCanHelp(error: unknown): boolean {
  return !(error instanceof CertificateError) || error.code === 'CERT_NOT_YET_VALID' || error.code === 'CERT_EXPIRED';
}
