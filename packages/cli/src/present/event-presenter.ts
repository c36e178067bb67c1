/**
 * Presents core's lifecycle events (`onEvent` of `runCertificate`) on the terminal, in the
 * command line's words: progress lines (a spinner on a terminal), warnings and notes on
 * stderr, the preflight's report. It decides nothing: what happens, and in which order, is
 * core's lifecycle; this only says it. What the `--json` result needs from the events (the
 * preflight's result, why none ran) is kept for the caller.
 */
import { displayText } from '@acmapi/core/text';
import type { LifecycleEvent, PreflightResult, RunCertificateResult } from '@acmapi/core';
import type { Output, Progress } from './output.js';
import { preflightReportLines } from './preflight-report.js';

/** The note of mode `warn` without a signfile, shown with the result. */
export const PREFLIGHT_SKIPPED_NOTE = 'Note: no --signfile given, so the signfile preflight was skipped (pass --signfile FILE to check every address before applying).';

/** One certificate's run, presented. Give {@link EventPresenter.onEvent} to `runCertificate`. */
export class EventPresenter {
  /** The preflight of the application sent, for the `--json` result. */
  preflight: PreflightResult | undefined;
  /** Why no preflight ran although the mode asked for one (shown with the result, not before it). */
  preflightNote: string | undefined;
  readonly #output: Output;
  #progress: Progress | undefined;
  #failText = '';

  constructor(output: Output) {
    this.#output = output;
  }

  /** The listener for `runCertificate`'s `onEvent`. */
  readonly onEvent = (event: LifecycleEvent): void => {
    const output = this.#output;
    switch (event.type) {
      case 'signfile-deployed':
        output.warn(signfileDeployedLine(event));
        return;
      case 'signfile-served':
        output.warn(`Serving the signfile on port ${event.port} (--standalone) for the time of the application.`);
        return;
      case 'preflight-finished':
        this.preflight = event.result;
        if (event.result.ok) return;
        output.warn(['The signfile preflight failed:', ...preflightReportLines(event.result)].join('\n'));
        if (event.result.mode === 'warn') output.warn('Applying anyway (--preflight warn): the CA\'s view can differ from this machine\'s. Expect error 107 if it does not.');
        return;
      case 'preflight-skipped':
        this.preflightNote = PREFLIGHT_SKIPPED_NOTE;
        return;
      case 'key-generating':
        this.#start(`Generating a ${event.keyType} private key and CSR`, 'Generating the key failed');
        return;
      case 'key-reused':
        output.warn(`Certificate "${event.certificate}": keeping the live private key (--reuse-key); making a new CSR with it.`);
        return;
      case 'application-resending':
        output.warn(`Certificate "${event.certificate}": an application was prepared by an earlier run that ended before the CA's answer was saved; sending the same key and CSR again.`);
        return;
      case 'endpoint-changed':
        output.warn(
          event.action === 'resend'
            ? `Note: this application was prepared for ${event.recorded}, but the endpoint now is ${event.current}.`
            : `Note: this application was sent to ${event.recorded}, but the endpoint now is ${event.current}.`,
        );
        return;
      case 'applying':
        this.#start(`Applying for a certificate for ${event.domains.join(', ')}`, 'The application failed');
        return;
      case 'retrieving':
        this.#start(`Asking the CA for handle ${displayText(event.handleId)}`, 'Retrieving failed');
        return;
      case 'pending':
        this.#stop();
        if (event.waitMs > 0) {
          output.warn(`The application is pending at the CA (handle ${displayText(event.handleId)}); waiting up to ${Math.round(event.waitMs / 1000)} s.`);
        }
        return;
      case 'issued':
        this.#stop();
        return;
      case 'failed':
        this.failed();
        return;
      case 'deployed':
        if (event.written.length > 0) output.warn(`Certificate "${event.certificate}": installed into ${event.written.join(', ')}.`);
        return;
      case 'deploy-failed':
        output.warn(
          event.step === 'install'
            ? `Certificate "${event.certificate}": installing into its install targets failed; the certificate is live in the store.`
            : `Certificate "${event.certificate}": its deploy hook failed; the certificate is live (installed where asked).`,
        );
        return;
      case 'hook-finished': {
        const whose = event.certificate === undefined ? '' : ` of "${event.certificate}"`;
        if (event.ok) {
          output.warn(`Ran the ${event.kind} hook${whose} (${Math.round(event.durationMs)} ms).`);
          return;
        }
        const how = event.timedOut ? 'timed out' : event.exitCode === null ? `ended by ${event.signal ?? 'a signal'}` : `exited with status ${event.exitCode}`;
        output.warn(`The ${event.kind} hook${whose} ${how}.${event.stderrTail === '' ? '' : ` Its standard error ends with:\n${event.stderrTail.trimEnd()}`}`);
        return;
      }
      case 'clock-skew':
        output.warn(`Warning: certificate "${event.certificate}" is valid only from ${event.notBefore.toISOString()}, ${Math.ceil(event.aheadMs / 1000)} s after this machine's clock (${event.now.toISOString()}): this clock seems to be behind the CA's. It was installed; check the clock (NTP).`);
        return;
      case 'expiry-warning':
        output.warn(`Warning: certificate "${event.certificate}" expires ${event.notAfter.toISOString()} (${event.daysLeft} days left) and was not renewed by this run.`);
        return;
      case 'lock-waiting':
        // A silent wait looks like a hang: say who holds the certificate, and how long the wait is (--lock-wait).
        output.warn(`Certificate "${event.certificate}" is held by another acmapi run, ${displayText(event.holder)}; waiting up to ${Math.round(event.waitMs / 1000)} s (--lock-wait).`);
        return;
      case 'report-failed':
        output.warn(event.what === 'metrics' ? 'Writing the metrics file failed.' : `Sending the notification${event.certificate === undefined ? '' : ` about "${event.certificate}"`} to --notify-url failed.`);
        return;
      case 'planned':
      case 'signfile-removed':
      case 'polled':
      case 'pkcs12-exported':
        // Nothing to say: the plan shows in the result, the rest in the result's files.
        return;
    }
  };

  /**
   * The run returned: a progress line still open (an interrupted wait) just stops, and a
   * certificate without its chain is pointed out.
   */
  finished(result: RunCertificateResult): void {
    this.#stop();
    if (result.status !== 'issued' || !result.chainMissing) return;
    // Core completes a leaf-only chain from its AIA URL; only when that failed is the chain still empty.
    if (result.chainWarnings.length === 0) {
      this.#output.warn(
        `Note: the CA returned the certificate without its chain, so ${result.dir}/chain.pem is empty and fullchain.pem holds the leaf only. Add the CA's intermediate certificate before serving it.`,
      );
      return;
    }
    for (const warning of result.chainWarnings) {
      this.#output.warn(`Note: ${warning} ${result.dir}/fullchain.pem holds the leaf only; add the CA's intermediate certificate before serving it.`);
    }
  }

  /** The run threw (or core reported the failure): a progress line still open says so. */
  failed(): void {
    this.#progress?.fail(this.#failText);
    this.#progress = undefined;
  }

  #start(text: string, failText: string): void {
    this.#stop();
    this.#progress = this.#output.progress(text);
    this.#failText = failText;
  }

  #stop(): void {
    this.#progress?.stop();
    this.#progress = undefined;
  }
}

/** What the CLI says of a signfile put in place in a webroot: what happens to it after the application depends on what was there. */
function signfileDeployedLine(event: Extract<LifecycleEvent, { type: 'signfile-deployed' }>): string {
  const also = event.webConfigPath === undefined ? '' : ` (and ${event.webConfigPath}, removed after the application)`;
  if (event.previous === 'same') return `The signfile at ${event.path} already holds this content; it is used as it is and stays${also}.`;
  if (event.previous === 'different') return `Signfile written to ${event.path} in place of the file there${also}; that file is put back after the application.`;
  return `Signfile written to ${event.path}${also}; it is removed after the application.`;
}
