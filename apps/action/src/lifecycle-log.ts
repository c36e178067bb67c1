/**
 * Core's lifecycle events (`runCertificate`'s `onEvent`) in the Action's words: log lines,
 * and annotations for what needs attention (each domain failing the signfile preflight,
 * a changed endpoint, an incomplete chain). The
 * rules stay in core; this only presents.
 */
import type { ApplicationPlan, CertificateRecord, LifecycleEvent, PreflightResult } from '@acmapi/core';
import { preflightAnnotation, preflightProblems } from './preflight-report.js';
import type { PreflightProblem } from './preflight-report.js';

/** The runner's log and annotations. */
export interface ActionLog {
  info(message: string): void;
  warning(message: string, title?: string): void;
  error(message: string, title?: string): void;
}

/** Options of {@link LifecyclePresenter}. */
export interface LifecyclePresenterOptions {
  /** The certificate's name, which starts each line. */
  readonly name: string;
  readonly log: ActionLog;
  /** The `renew-before-days` in force, for the reason of a renewal. */
  readonly renewBeforeDays: number | undefined;
}

function iso(date: Date): string {
  return date.toISOString();
}

function rule(renewBeforeDays: number | undefined): string {
  return renewBeforeDays === undefined ? 'less than a third of its lifetime left' : `renew-before-days ${renewBeforeDays}`;
}

/**
 * Why a certificate is renewed or skipped, in words, from the plan and the record it was made
 * from (`undefined` for a first application, a retrieval or a resend). Pure.
 */
export function planReason(plan: ApplicationPlan, record: CertificateRecord | undefined, renewBeforeDays: number | undefined): string | undefined {
  const live = record?.live;
  if (plan.action === 'skip' && plan.reason === 'backoff') {
    return `it failed ${plan.failures} time(s) in a row (${plan.code}); the next attempt is from ${iso(plan.nextAttemptAt)}`;
  }
  if (plan.action === 'skip') {
    return `the existing certificate is valid for ${plan.daysLeft} more days; renewal is due from ${iso(plan.renewAt)} (${rule(renewBeforeDays)})`;
  }
  if (plan.action !== 'apply' || live === undefined) return undefined;
  switch (plan.reason) {
    case 'expired':
      return `the existing certificate expired on ${iso(live.notAfter)}`;
    case 'due':
      return `the existing certificate expires in ${live.renewal.daysLeft} days (${rule(renewBeforeDays)})`;
    case 'domains-changed':
      return `the domains changed: the existing certificate names ${live.domains.join(', ')}`;
    case 'key-type-changed':
      return `the key type changed: the existing certificate's key is ${live.keyType}`;
    case 'forced':
      return 'a new certificate was asked for';
    case 'new':
    case 'retry':
      return undefined;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Presents one certificate's events; keeps the preflight's problems for the outcome and the summary. */
export class LifecyclePresenter {
  /** The domains that failed the preflight (strict: why nothing was sent; warn: applied anyway). */
  readonly preflightProblems: PreflightProblem[] = [];
  readonly #options: LifecyclePresenterOptions;

  constructor(options: LifecyclePresenterOptions) {
    this.#options = options;
  }

  /** The listener to give `runCertificate` as `onEvent`. */
  readonly onEvent = (event: LifecycleEvent): void => {
    const { name, log } = this.#options;
    switch (event.type) {
      case 'planned': {
        const reason = planReason(event.plan, event.record, this.#options.renewBeforeDays);
        if (reason === undefined) return;
        log.info(`${name}: ${event.plan.action === 'skip' ? 'skipped' : 'renewing'}, ${reason}.`);
        return;
      }
      case 'preflight-finished':
        this.#preflight(event.result);
        return;
      case 'preflight-skipped':
        log.info(`${name}: preflight skipped: give the signfile input (its content) or signfile.path in acmapi.json to check it before applying.`);
        return;
      case 'application-resending':
        log.info(`${name}: sending the prepared application again with its saved key and CSR (the CA's answer to it never arrived).`);
        return;
      case 'endpoint-changed':
        log.warning(`${name}: the application was made with the endpoint ${event.recorded}; the endpoint is now ${event.current}, which is asked instead.`, 'Endpoint changed');
        return;
      case 'applying':
        log.info(`${name}: applying for ${event.domains.join(', ')}.`);
        return;
      case 'retrieving':
        log.info(`${name}: resuming the pending application ${event.handleId}.`);
        return;
      case 'pending':
        if (event.waitMs > 0) log.info(`${name}: pending, handle ${event.handleId}; polling for up to ${seconds(event.waitMs)}.`);
        return;
      case 'polled':
        log.info(`${name}: still pending after poll ${event.poll}; the next poll is in ${seconds(event.nextPollMs)}.`);
        return;
      case 'issued':
        log.info(`${name}: issued, valid until ${iso(event.leaf.notAfter)}, SHA-256 ${event.leaf.fingerprintSha256}.`);
        for (const warning of event.chainWarnings) log.warning(`${name}: ${warning}`, 'Certificate chain incomplete');
        return;
      case 'clock-skew':
        log.warning(`${name}: valid only from ${iso(event.notBefore)}, ${seconds(event.aheadMs)} after the runner's clock (${iso(event.now)}); the runner's clock seems to be behind the CA's. The certificate was saved.`, 'Clock behind the CA');
        return;
      // The Action places no signfile (the site serves it), exports no PKCS#12, and reports failures with the outcome;
      // a generated key is kept encrypted or refused before it is used (the published folder's STORE_KEY_NOT_KEPT).
      case 'key-generating':
      case 'signfile-deployed':
      case 'signfile-served':
      case 'signfile-removed':
      case 'pkcs12-exported':
      case 'failed':
        return;
    }
  };

  #preflight(result: PreflightResult): void {
    const { name, log } = this.#options;
    for (const domain of result.domains) for (const warning of domain.warnings) log.info(`${name}: preflight: ${warning}`);
    for (const problem of preflightProblems(result)) {
      this.preflightProblems.push(problem);
      const { title, message } = preflightAnnotation(problem);
      if (result.mode === 'strict') log.error(message, title);
      else log.warning(message, title);
    }
    if (result.ok) log.info(`${name}: preflight passed: every address of ${result.domains.map((d) => d.domain).join(', ')} serves the signfile.`);
  }
}
