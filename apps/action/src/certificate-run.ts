/**
 * One certificate, one run: core's lifecycle (`runCertificate`, command `renew`: apply when
 * new or due, retrieve a pending application, skip one not due) over the published folder,
 * its events presented by {@link LifecyclePresenter}, its result made into the outcome the
 * outputs and the summary show. Imports nothing of `@actions/*`.
 */
import { isAcmApiError, isCaError, runCertificate } from '@acmapi/core';
import type { AcmApiClient, KeySource, RunCertificateResult, SignfilePhaseOptions } from '@acmapi/core';
import { describeFailure } from './failure.js';
import type { ActionInputs, CertificateRequest } from './inputs.js';
import { LifecyclePresenter, planReason } from './lifecycle-log.js';
import type { ActionLog } from './lifecycle-log.js';
import type { CertificateOutcome } from './outcome.js';
import type { OutputFolder } from './output-folder.js';
import { PUBLISHED_FILES, STATE_FILE } from './published-folder/index.js';
import type { PublishedFolderRepository } from './published-folder/index.js';

/** How the signfile preflight reaches the domains: DNS and ports 80/443 unless overridden. */
export type SignfileNetwork = Pick<SignfilePhaseOptions, 'resolve' | 'httpPort' | 'httpsPort' | 'dnsServers' | 'caaIdentities'>;

/** What {@link runOneCertificate} needs. */
export interface CertificateRunContext {
  readonly inputs: ActionInputs;
  readonly repository: PublishedFolderRepository;
  readonly folder: OutputFolder;
  readonly log: ActionLog;
  /** Makes a client for the CA; core calls it only when the CA is contacted, and closes it. */
  readonly client: () => Promise<AcmApiClient>;
  readonly signfileNetwork: SignfileNetwork;
}

/**
 * Where the key and CSR of a new application come from: the config entry's `csr`/`key`,
 * else the `csr` input (with `private-key` when given), else `private-key`, else a generated key.
 */
export function keySourceOf(request: CertificateRequest, inputs: ActionInputs): KeySource {
  const fromConfig = request.keySource;
  if (fromConfig !== undefined && fromConfig.kind !== 'generate') {
    if (fromConfig.kind === 'csr' && fromConfig.privateKeyPem === undefined && inputs.privateKey !== undefined) return { ...fromConfig, privateKeyPem: inputs.privateKey };
    return fromConfig;
  }
  if (inputs.csr !== undefined) return { kind: 'csr', csrPem: inputs.csr, privateKeyPem: inputs.privateKey };
  if (inputs.privateKey !== undefined) return { kind: 'key', privateKeyPem: inputs.privateKey };
  return { kind: 'generate' };
}

function outcomeOf(request: CertificateRequest, result: RunCertificateResult, context: CertificateRunContext): CertificateOutcome {
  const { folder, repository } = context;
  const at = (file: string): string => folder.repoPath(`${request.name}/${file}`);
  const paths = { certificatePath: at(PUBLISHED_FILES.cert), fullchainPath: at(PUBLISHED_FILES.fullchain) };
  const base = { name: request.name, domains: request.domains };
  switch (result.status) {
    case 'issued': {
      const privateKeyPath = repository.jobKeyPath(request.name);
      return {
        ...base,
        status: 'issued',
        detail: `issued for ${request.domains.join(', ')}`,
        handleId: result.handleId,
        notAfter: result.leaf.notAfter,
        fingerprint: result.leaf.fingerprintSha256,
        serial: result.leaf.serialNumber,
        ...paths,
        ...(privateKeyPath === undefined ? {} : { privateKeyPath }),
      };
    }
    case 'not-due': {
      const live = result.record.live;
      const plan = live === undefined ? undefined : ({ action: 'skip', reason: 'not-due', renewAt: live.renewal.renewAt, daysLeft: live.renewal.daysLeft } as const);
      return {
        ...base,
        status: 'skipped',
        detail: (plan === undefined ? undefined : planReason(plan, result.record, context.inputs.renewBeforeDays)) ?? 'not due for renewal',
        ...(live === undefined ? {} : { notAfter: live.notAfter, fingerprint: live.fingerprintSha256, serial: live.serialNumber }),
        ...paths,
      };
    }
    case 'pending': {
      const detail = `the CA holds the application for a person to approve; the next run retrieves it by handle ${result.handleId} (saved in ${at(STATE_FILE)}).`;
      context.log.info(`${request.name}: pending, handle ${result.handleId}; ${detail}`);
      return { ...base, status: 'pending', detail, handleId: result.handleId };
    }
    case 'skipped-by-backoff':
    case 'already-pending':
    case 'already-installed':
    case 'not-found':
      // Only `issue` and `retrieve` end so; the Action renews. The published folder keeps no
      // failures, so its plans never wait out a backoff.
      throw new Error(`The lifecycle ended with ${result.status}, which renew never does.`);
  }
}

/**
 * Handles one certificate. Never throws: a failure becomes a `failed` outcome with an
 * annotation (per failing domain for the preflight, naming the domain for CA error 107).
 */
export async function runOneCertificate(request: CertificateRequest, context: CertificateRunContext): Promise<CertificateOutcome> {
  const { inputs, log } = context;
  const presenter = new LifecyclePresenter({
    name: request.name,
    log,
    renewBeforeDays: inputs.renewBeforeDays,
  });
  // The preflight's problems go in the outcome (and the summary) whatever happens after it.
  const withPreflight = (outcome: CertificateOutcome): CertificateOutcome =>
    presenter.preflightProblems.length === 0 ? outcome : { ...outcome, preflightFailures: presenter.preflightProblems };
  try {
    const keySource = keySourceOf(request, inputs);
    const result = await runCertificate({
      repository: context.repository,
      name: request.name,
      command: 'renew',
      domains: request.domains,
      // A given key or CSR decides its own type; only a generated key's type is asked for.
      keyType: keySource.kind === 'generate' ? request.keyType : undefined,
      keySource,
      renewBeforeDays: inputs.renewBeforeDays,
      client: context.client,
      waitMs: inputs.waitMs,
      signfile: {
        signfile: inputs.signfile === undefined ? undefined : { name: inputs.signfileName, content: inputs.signfile },
        preflight: inputs.preflight,
        ...context.signfileNetwork,
      },
      onEvent: presenter.onEvent,
    });
    // A live certificate whose generated key is gone (left by a release before the Action kept
    // every key) must not pass for a usable one; a renewal replaces it, a run that skips it fails.
    if (keySource.kind === 'generate' && result.status === 'not-due') await context.repository.assertLiveKeyKept(request.name);
    return withPreflight(outcomeOf(request, result, context));
  } catch (error) {
    const { message, code } = describeFailure(error);
    const base = { name: request.name, domains: request.domains, status: 'failed' as const, errorCode: code };
    if (isAcmApiError(error) && error.code === 'PREFLIGHT_FAILED') {
      // Each failing domain has its annotation already.
      return withPreflight({ ...base, detail: `${message}\nFix the annotated domains, or use preflight: warn if the CA sees the site differently from this runner.` });
    }
    if (isCaError(error) && error.status === 107) {
      log.error(message, `Domain verification failed (107)${error.domain === undefined ? '' : `: ${error.domain}`}`);
    } else {
      log.error(`${request.name}: ${message}`, `Certificate ${request.name} failed`);
    }
    return withPreflight({ ...base, detail: message });
  }
}
