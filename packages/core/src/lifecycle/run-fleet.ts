/**
 * A fleet run: many certificates through {@link runCertificate}, as `acmapi renew` from cron
 * does it (issue 10, "Apply, renew and deploy for years without a person"):
 *
 * ```
 * for each certificate (bounded concurrency):  settings = remembered ⊕ given ─ runCertificate ─ outcome
 *                                                   └─ first one that contacts the CA: pre hooks (once)
 * then: post hooks (once, when the pre phase ran) ─ metrics file ─ notifications (failures, expiry warnings)
 * ```
 *
 * Hooks, with certbot's semantics (`certbot renew --pre-hook/--post-hook`, hooks.py): the
 * `pre` hooks — the run's own (`hooks.pre`) and those the certificates remember — run lazily,
 * once per distinct command line, just before the first certificate that needs it contacts the
 * CA (so a run with nothing due runs none); the `post` hooks run once each at the end when
 * the pre phase ran. `deploy` and `failure` hooks are per certificate, inside the lifecycle.
 *
 * The metrics file describes the run's certificates (its `targets`): not-after and renewal time
 * from each record after the run; the last attempt's time and result (`not-due` and
 * `skipped-by-backoff` included) are this run's — they are passed from the run, not kept in the
 * store, so a run with nothing due writes nothing into the store.
 */
import pLimit from 'p-limit';
import type { AcmApiClient } from '../client/client.js';
import { InternalError, OptionsError, StoreError, isTransportError } from '../errors/errors.js';
import type { HookResult } from '../deploy/hooks.js';
import type { KeyType } from '../pki/key-types.js';
import { writeMetricsFile, type CertificateMetrics, type MetricsResult } from '../report/metrics.js';
import { sendNotification, type Notification, type SendNotificationOptions } from '../report/notify.js';
import type { CertificateRecord } from '../store/certificate-record.js';
import { errorSummary, expiryWarning, hookError, hookSucceeded, runReportedHook, type HookRunOptions } from './deploy-step.js';
import type { LifecycleEvent, LifecycleListener } from './events.js';
import type { KeySource } from './key-source.js';
import type { CertificateRepository } from './repository.js';
import { runCertificate, type RunCertificateOptions, type RunCertificateResult } from './run-certificate.js';
import { dropClearedSettings, mergeSettings, type CertificateSettings, type HookCommands } from './settings.js';

/** One certificate of a fleet run. */
export interface FleetTarget {
  /** Its name in the repository. */
  name: string;
  /**
   * What the caller gives of its settings (flags, a project file), over the remembered ones
   * (`mergeSettings`; an empty string in `install` or `hooks` clears a remembered value, see
   * `dropClearedSettings`). The result is what the certificate remembers after the run.
   */
  settings?: Partial<CertificateSettings> | undefined;
  /** Where a new application's key and CSR come from; a function is called only when this certificate is worked on. @default a generated key */
  keySource?: KeySource | (() => Promise<KeySource | undefined>) | undefined;
  /** The key type when neither the settings nor the live certificate name one (see {@link RunCertificateOptions.defaultKeyType}); never remembered. */
  defaultKeyType?: KeyType | undefined;
}

/** What a caller adds to one certificate's run (see {@link RunFleetOptions.prepare}). */
export type FleetPrepared = Partial<Pick<RunCertificateOptions, 'signfile' | 'pkcs12' | 'onEvent' | 'signal'>>;

/** Options of {@link runFleet}. Durations in milliseconds. */
export interface RunFleetOptions {
  /** Where the certificates are kept. */
  repository: CertificateRepository;
  /** `renew` (the usual) or `issue` (see {@link RunCertificateOptions.command}). */
  command: 'issue' | 'renew';
  /** The certificates, worked on in this order (results keep it). */
  targets: readonly FleetTarget[];
  /** Makes a client; called only for a certificate that contacts the CA, after the pre hooks ran. */
  client: () => AcmApiClient | Promise<AcmApiClient>;
  /** The clock of every decision (due, backoff, warning) and of the metrics. @default () => new Date() */
  now?: (() => Date) | undefined;
  /** How many certificates at once. @default 4 */
  concurrency?: number | undefined;
  /** Apply even when not due (and ignore the backoff). @default false */
  force?: boolean | undefined;
  /** Try failing certificates now, inside their backoff, keeping pending applications (see `planApplication`). @default false */
  ignoreBackoff?: boolean | undefined;
  /** Renew when fewer than this many days are left, for certificates that remember no such setting. */
  renewBeforeDays?: number | undefined;
  /** How long to poll a pending application. @default 0 */
  waitMs?: number | undefined;
  /** How long to wait for another process holding a certificate. @default 10_000 */
  lockWaitMs?: number | undefined;
  /** The run's own `pre` and `post` hooks (and their `timeoutMs`), besides those the certificates remember. */
  hooks?: Pick<HookCommands, 'pre' | 'post' | 'timeoutMs'> | undefined;
  /** Write the metrics file (Prometheus text format, `report/metrics.ts`) here after the run, atomically. */
  metricsFile?: string | undefined;
  /** POST a notification (`report/notify.ts`) here for each failure and each expiry warning. A secret: never in an event or error. */
  notifyUrl?: string | undefined;
  /** Options of each notification (retries, time limit, transport). */
  notifyOptions?: Omit<SendNotificationOptions, 'signal'> | undefined;
  /** Aborts CA calls, waits and hooks. */
  signal?: AbortSignal | undefined;
  /** Receives every certificate's events and the run's own (`hook-finished` of pre/post, `report-failed`). */
  onEvent?: LifecycleListener | undefined;
  /** The environment hooks inherit, and further secret variable names. @default process.env */
  hookOptions?: Pick<HookRunOptions, 'env' | 'secretEnv'> | undefined;
  /**
   * Called for each certificate before its run with its merged settings: what to add to its
   * `runCertificate` (a signfile phase of the caller's own, a PKCS#12 passphrase, a listener
   * of its own, a signal). A throw makes that certificate `failed`.
   */
  prepare?: ((target: FleetTarget, settings: CertificateSettings) => FleetPrepared | Promise<FleetPrepared>) | undefined;
}

/** How one certificate's run ended. */
export type FleetOutcome = 'renewed' | 'not-due' | 'pending' | 'failed' | 'skipped-by-backoff';

/** One certificate of {@link RunFleetResult}. */
export interface FleetCertificateResult {
  name: string;
  /**
   * `renewed`: a new certificate went live (and its deploy step succeeded); `not-due`; `pending`
   * (the CA holds it, handle saved); `skipped-by-backoff`; `failed`: the run threw (`error`, no
   * `result`) or its deploy step failed (`error`, and `result` says what went live).
   */
  outcome: FleetOutcome;
  /** The lifecycle's result, when the run did not throw. */
  result?: RunCertificateResult | undefined;
  /** Why it failed (a typed error with a stable `code`). */
  error?: unknown;
  /** The certificate's own hooks that ran (deploy, failure), in order. */
  hooks: HookResult[];
  /** The live certificate is in its warning period and was not renewed (see `expiryWarning`). */
  expiryWarning?: { notAfter: Date; daysLeft: number } | undefined;
  /**
   * `true` when the caller's signal ended this certificate's run (Ctrl-C, SIGTERM): `failed`
   * with `TRANSPORT_ABORTED`, and no failure notification is sent for it (the operator stopped it).
   */
  interrupted?: boolean | undefined;
}

/** What {@link runFleet} did. */
export interface RunFleetResult {
  /** Per target, in the order given. */
  certificates: FleetCertificateResult[];
  /** The run's pre and post hooks that ran, in order. */
  hooks: HookResult[];
  /** Reports that failed (metrics file, notifications); the run stands. */
  reportErrors?: { what: 'metrics' | 'notification'; certificate: string | undefined; error: unknown }[];
}

/** Certificates worked on at once by default. */
export const FLEET_DEFAULT_CONCURRENCY = 4;

function outcomeOf(result: RunCertificateResult): { outcome: FleetOutcome; error?: unknown } {
  const deployError: unknown = 'deploy' in result ? result.deploy?.error : undefined;
  if (deployError !== undefined) return { outcome: 'failed', error: deployError };
  switch (result.status) {
    case 'issued':
      return { outcome: 'renewed' };
    case 'not-due':
      return { outcome: 'not-due' };
    case 'pending':
      return { outcome: 'pending' };
    case 'skipped-by-backoff':
      return { outcome: 'skipped-by-backoff' };
    case 'already-pending':
      return {
        outcome: 'failed',
        error: new StoreError('STORE_PENDING_EXISTS', `Certificate "${result.name}" has application ${result.handleId} pending at the CA.`, { certificate: result.name, handleId: result.handleId }),
      };
    case 'already-installed':
    case 'not-found':
      return { outcome: 'failed', error: new InternalError(`runCertificate answered ${result.status} to an issue or renew run.`) };
  }
}

const METRICS_RESULT: Record<FleetOutcome, MetricsResult> = {
  renewed: 'issued',
  'not-due': 'not-due',
  pending: 'pending',
  failed: 'failed',
  'skipped-by-backoff': 'skipped-by-backoff',
};

/**
 * Runs a fleet of certificates. See the module comment. Never throws for one certificate's
 * failure: each ends in its {@link FleetCertificateResult}; reports that fail are in `reportErrors`.
 *
 * @returns see {@link RunFleetResult}.
 * @throws {OptionsError} `OPTIONS_INVALID` for a repeated target name or a concurrency below 1.
 */
export async function runFleet(options: RunFleetOptions): Promise<RunFleetResult> {
  const now = options.now ?? (() => new Date());
  const emit = (event: LifecycleEvent): void => {
    options.onEvent?.(event);
  };
  const names = new Set<string>();
  for (const target of options.targets) {
    if (names.has(target.name)) throw new OptionsError(`Certificate "${target.name}" is named twice in the fleet.`, { option: 'targets' });
    names.add(target.name);
  }
  const concurrency = options.concurrency ?? FLEET_DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new OptionsError('The concurrency must be a whole number ≥ 1.', { option: 'concurrency' });

  const runHooks: HookResult[] = [];
  const hookBase: HookRunOptions = { ...options.hookOptions, ...(options.signal === undefined ? {} : { signal: options.signal }) };
  // The pre phase: each distinct pre command once, started by the first certificate that needs it.
  const preStarted = new Map<string, Promise<HookResult>>();
  const postCommands: { command: string; timeoutMs: number | undefined }[] = [];
  // An object, not a `let`: it is set inside the certificates' runs.
  const prePhase = { ran: false };
  const addPost = (command: string | undefined, timeoutMs: number | undefined): void => {
    if (command !== undefined && command !== '' && !postCommands.some((post) => post.command === command)) postCommands.push({ command, timeoutMs });
  };
  const runPre = async (settings: CertificateSettings): Promise<void> => {
    prePhase.ran = true;
    addPost(options.hooks?.post, options.hooks?.timeoutMs);
    addPost(settings.hooks?.post, settings.hooks?.timeoutMs);
    const wanted: { command: string; timeoutMs: number | undefined }[] = [];
    for (const [command, timeoutMs] of [
      [options.hooks?.pre, options.hooks?.timeoutMs],
      [settings.hooks?.pre, settings.hooks?.timeoutMs],
    ] as const) {
      if (command !== undefined && command !== '' && !wanted.some((w) => w.command === command)) wanted.push({ command, timeoutMs });
    }
    const results = await Promise.all(
      wanted.map(({ command, timeoutMs }) => {
        let started = preStarted.get(command);
        if (started === undefined) {
          started = runReportedHook('pre', command, { kind: 'pre', reason: 'before-contacting-the-ca' }, timeoutMs, { ...hookBase, onHookResult: (result) => runHooks.push(result) }, emit);
          preStarted.set(command, started);
        }
        return started;
      }),
    );
    const failed = results.find((result) => !hookSucceeded(result));
    // A failed pre hook (e.g. stopping the web server for --standalone) fails every certificate that needed it: nothing is sent.
    if (failed !== undefined) throw hookError(failed, undefined);
  };

  const limit = pLimit(concurrency);
  const certificates = await Promise.all(
    options.targets.map((target) =>
      limit(async (): Promise<FleetCertificateResult> => {
        const hooks: HookResult[] = [];
        let signal = options.signal;
        try {
          const stored = (await options.repository.get(target.name))?.settings;
          const settings = dropClearedSettings(mergeSettings(stored, target.settings ?? {}));
          const prepared = (await options.prepare?.(target, settings)) ?? {};
          const keySource = typeof target.keySource === 'function' ? await target.keySource() : target.keySource;
          const listeners = [prepared.onEvent, options.onEvent].filter((listener) => listener !== undefined);
          signal = prepared.signal ?? options.signal;
          const result = await runCertificate({
            repository: options.repository,
            name: target.name,
            command: options.command,
            settings,
            now,
            keySource,
            defaultKeyType: target.defaultKeyType,
            force: options.force,
            ignoreBackoff: options.ignoreBackoff,
            renewBeforeDays: settings.renewBeforeDays ?? options.renewBeforeDays,
            client: async () => {
              await runPre(settings);
              return options.client();
            },
            waitMs: options.waitMs,
            lockWaitMs: options.lockWaitMs,
            signal,
            signfile: prepared.signfile,
            pkcs12: prepared.pkcs12,
            onEvent: (event) => {
              for (const listener of listeners) listener(event);
            },
            hookOptions: { ...hookBase, ...(signal === undefined ? {} : { signal }), onHookResult: (hook) => hooks.push(hook) },
          });
          const { outcome, error } = outcomeOf(result);
          const warning = 'expiryWarning' in result ? result.expiryWarning : undefined;
          return { name: target.name, outcome, result, ...(error === undefined ? {} : { error }), hooks, ...(warning === undefined ? {} : { expiryWarning: warning }) };
        } catch (error) {
          const interrupted = signal?.aborted === true && isTransportError(error) && error.code === 'TRANSPORT_ABORTED';
          return { name: target.name, outcome: 'failed', error, hooks, ...(interrupted ? { interrupted } : {}) };
        }
      }),
    ),
  );

  for (const { command, timeoutMs } of prePhase.ran ? postCommands : []) {
    const result = await runReportedHook('post', command, { kind: 'post', reason: 'after-contacting-the-ca' }, timeoutMs, hookBase, emit);
    runHooks.push(result);
  }

  const reportErrors: NonNullable<RunFleetResult['reportErrors']> = [];
  const reportFailed = (what: 'metrics' | 'notification', certificate: string | undefined, error: unknown): void => {
    reportErrors.push({ what, certificate, error });
    emit({ type: 'report-failed', certificate, what, error });
  };
  const at = now();
  const reporting = options.metricsFile !== undefined || options.notifyUrl !== undefined;
  // Records are read for the reports, and for every failed certificate: a failed run keeps no
  // expiry warning of its own, the record tells whether it is in its warning period.
  const records = await Promise.all(
    certificates.map((c) => (reporting || c.outcome === 'failed' ? readRecord(options.repository, c.name, at) : Promise.resolve(undefined))),
  );
  for (const [i, certificate] of certificates.entries()) {
    const live = records[i]?.live;
    if (certificate.expiryWarning === undefined && certificate.outcome === 'failed' && live !== undefined) {
      const warning = expiryWarning(live, at);
      if (warning.warn) {
        certificate.expiryWarning = { notAfter: live.notAfter, daysLeft: warning.daysLeft };
        emit({ type: 'expiry-warning', certificate: certificate.name, ...certificate.expiryWarning });
      }
    }
  }
  if (reporting) {
    if (options.metricsFile !== undefined) {
      const metrics = certificates.map((c, i): CertificateMetrics => metricsOf(c, records[i], at));
      try {
        await writeMetricsFile(options.metricsFile, metrics, at);
      } catch (error) {
        reportFailed('metrics', undefined, error);
      }
    }
    if (options.notifyUrl !== undefined) {
      const url = options.notifyUrl;
      const notifications = certificates.flatMap((c, i) => notificationsOf(c, records[i]));
      await Promise.all(
        notifications.map(async (notification) => {
          try {
            await sendNotification(url, notification, { ...options.notifyOptions, ...(options.signal === undefined ? {} : { signal: options.signal }) });
          } catch (error) {
            reportFailed('notification', notification.certificate, error);
          }
        }),
      );
    }
  }
  return { certificates, hooks: runHooks, reportErrors };
}

async function readRecord(repository: CertificateRepository, name: string, now: Date): Promise<CertificateRecord | undefined> {
  try {
    return await repository.get(name, { now });
  } catch {
    // A damaged record has no facts to report; its run said why already.
    return undefined;
  }
}

function metricsOf(certificate: FleetCertificateResult, record: CertificateRecord | undefined, at: Date): CertificateMetrics {
  const live = record?.live;
  return {
    name: certificate.name,
    ...(live === undefined ? {} : { notAfter: live.notAfter, renewalAt: record?.renewalAt ?? live.renewal.renewAt }),
    lastAttemptAt: at,
    lastResult: METRICS_RESULT[certificate.outcome],
    failures: record?.failures?.count ?? 0,
  };
}

function notificationsOf(certificate: FleetCertificateResult, record: CertificateRecord | undefined): Notification[] {
  const domains = record?.domains ?? [];
  const list = domains.length === 0 ? '' : ` (${domains.join(', ')})`;
  const notAfter = record?.live?.notAfter.toISOString();
  const base = { certificate: certificate.name, domains, ...(notAfter === undefined ? {} : { notAfter }) };
  const out: Notification[] = [];
  if (certificate.outcome === 'failed' && certificate.interrupted !== true) {
    const error = errorSummary(certificate.error);
    out.push({ ...base, kind: 'failure', error, text: `acmapi: certificate "${certificate.name}"${list} failed: ${error.code}: ${error.message}` });
  }
  const warning = certificate.expiryWarning;
  if (warning !== undefined) {
    out.push({
      ...base,
      kind: 'expiry-warning',
      notAfter: warning.notAfter.toISOString(),
      text: `acmapi: certificate "${certificate.name}"${list} expires ${warning.notAfter.toISOString()} (${String(warning.daysLeft)} days left) and was not renewed.`,
    });
  }
  return out;
}
