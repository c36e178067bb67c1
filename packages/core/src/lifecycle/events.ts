/**
 * What the lifecycle tells its front end while it works: one typed stream of events
 * (`onEvent`), in place of callbacks threaded through options. Every event names the certificate
 * (`undefined` only for a fleet run's own hooks and reports); none carries a private key or the auth token. Front ends present them in their own words
 * (the CLI's progress lines, the Action's log and annotations, the extension's output channel).
 */
import type { PreflightResult } from '../preflight/types.js';
import type { CertificateInfo } from '../pki/certificate.js';
import type { KeyType } from '../pki/key-types.js';
import type { CertificateRecord } from '../store/certificate-record.js';
import type { ApplicationPlan } from './plan-application.js';
import type { HookKind } from '../deploy/hooks.js';

/** One event of {@link runCertificate}; `certificate` is the certificate's name. */
export type LifecycleEvent =
  /** The plan, decided under the certificate's lock (not for `retrieve`). */
  | { type: 'planned'; certificate: string; plan: ApplicationPlan; record: CertificateRecord | undefined }
  /**
   * The signfile is in place in a webroot (spec §1) for the application. `previous`: a signfile
   * was already at `path`, with the same content (`'same'`: left untouched, and it stays) or
   * another (`'different'`: replaced, and put back afterwards); `undefined`: there was none, and
   * the one written is removed afterwards.
   */
  | { type: 'signfile-deployed'; certificate: string; path: string; webConfigPath: string | undefined; previous: 'same' | 'different' | undefined }
  /** The signfile is being served by a standalone server on `port` for the time of the application. */
  | { type: 'signfile-served'; certificate: string; port: number }
  /** The signfile preflight (spec §5) ran; `result.ok` false in mode `warn` means the application goes ahead anyway. */
  | { type: 'preflight-finished'; certificate: string; result: PreflightResult }
  /** Mode `warn` asked for a preflight but no signfile was given, so none ran. */
  | { type: 'preflight-skipped'; certificate: string; reason: 'no-signfile' }
  /** A deployed signfile was removed, or the standalone server stopped. */
  | { type: 'signfile-removed'; certificate: string }
  /** A new private key and CSR of `keyType` are being generated. */
  | { type: 'key-generating'; certificate: string; keyType: KeyType }
  /** A renewal keeps the live private key (`reuseKey`): a new CSR is made with the key of version `version`. */
  | { type: 'key-reused'; certificate: string; version: string }
  /** A prepared application whose answer was lost is sent again with its saved key and CSR. */
  | { type: 'application-resending'; certificate: string; domains: readonly string[] }
  /** The application was made with `recorded`, but the client now talks to `current`. */
  | { type: 'endpoint-changed'; certificate: string; recorded: string; current: string; action: 'resend' | 'retrieve' }
  /** The application is being sent. */
  | { type: 'applying'; certificate: string; domains: readonly string[] }
  /** A pending application is being asked for by its handle. */
  | { type: 'retrieving'; certificate: string; handleId: string }
  /** The CA answered pending and the handle is saved; `waitMs` > 0: polling follows. */
  | { type: 'pending'; certificate: string; handleId: string; waitMs: number }
  /** One poll of a pending application answered pending again; the next is in `nextPollMs`. */
  | { type: 'polled'; certificate: string; handleId: string; poll: number; nextPollMs: number }
  /**
   * A certificate is live. `chainWarnings`: why a leaf-only answer's chain could not be
   * completed (then `chainMissing` is true).
   */
  | {
      type: 'issued';
      certificate: string;
      handleId: string;
      version: string;
      leaf: CertificateInfo;
      chainMissing: boolean;
      chainWarnings: readonly string[];
    }
  /**
   * The certificate that just went live is not valid yet by this machine's clock: its notBefore
   * is `aheadMs` milliseconds after `now`, within the tolerated skew (`CLOCK_SKEW_TOLERANCE_MS`).
   * This clock is probably behind the CA's; until notBefore, peers with a correct clock accept
   * the certificate, peers with this clock do not.
   */
  | { type: 'clock-skew'; certificate: string; notBefore: Date; now: Date; aheadMs: number }
  /** A PKCS#12 file of the live version is at `path`. */
  | { type: 'pkcs12-exported'; certificate: string; path: string }
  /** The run failed; the failure is recorded (`retired`: the application ended and its key was archived). */
  | { type: 'failed'; certificate: string; error: unknown; retired: boolean }
  /**
   * The live files were installed into the install targets: `written` changed, `unchanged`
   * already held them (absolute paths as configured).
   */
  | { type: 'deployed'; certificate: string; written: readonly string[]; unchanged: readonly string[] }
  /**
   * Installing into the install targets (`step: 'install'`) or the deploy hook failed. The
   * certificate that went live stays live; the run counts as failed.
   */
  | { type: 'deploy-failed'; certificate: string; step: 'install' | 'deploy-hook'; error: unknown }
  /**
   * A hook ran (see `deploy/hooks.ts`); `ok` when it exited 0 in time. `certificate` is
   * `undefined` for a run's `pre` and `post` hooks. `stderrTail`: the end of its standard error,
   * control characters escaped. The command line is not repeated (it may hold an operator's secret).
   */
  | {
      type: 'hook-finished';
      certificate: string | undefined;
      kind: HookKind;
      ok: boolean;
      exitCode: number | null;
      signal: string | null;
      timedOut: boolean;
      durationMs: number;
      stderrTail: string;
    }
  /**
   * The live certificate is within its warning period (the last sixth of its lifetime, see
   * `expiryWarning`) and was not renewed by this run; `daysLeft` whole days until `notAfter`.
   */
  | { type: 'expiry-warning'; certificate: string; notAfter: Date; daysLeft: number }
  /**
   * Another process holds the certificate (its lock): this run waits for it, up to `waitMs`.
   * `holder` is read from the lock file (pid, host, since): show it as data.
   */
  | { type: 'lock-waiting'; certificate: string; holder: string; waitMs: number }
  /**
   * `runFleet` could not report: the metrics file could not be written, or a notification
   * not be delivered (`certificate`: the one it was about). The run itself stands.
   */
  | { type: 'report-failed'; certificate: string | undefined; what: 'metrics' | 'notification'; error: unknown };

/** Receives {@link LifecycleEvent}s; called synchronously, in order. */
export type LifecycleListener = (event: LifecycleEvent) => void;
