/**
 * One certificate, one run: resume a pending application (spec §3 "pending") or skip
 * a certificate not due for renewal, else preflight (spec §5), apply, and store what
 * came back. Takes every service as a parameter; imports nothing of `@actions/*`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CaError, checkCsr, checkKeyMatchesCsr, createCsr, enforcePreflight, generateKeyAndCsr, isAcmApiError, loadPrivateKey, PreflightError } from '@acmapi/core';
import type { AcmApiClient, CertificateResult, IssuedCertificate } from '@acmapi/core';
import { describeAcmApiError } from './advice.js';
import { existingCertificateDecision } from './existing-certificate.js';
import type { ActionInputs, CertificateRequest } from './inputs.js';
import type { CertificateOutcome } from './outcome.js';
import type { OutputFolder } from './output-folder.js';
import { preflightAnnotation, preflightProblems } from './preflight-report.js';
import type { PreflightProblem, PreflightService } from './preflight-report.js';
import { decryptPrivateKey, encryptPrivateKey, formatState, parseState, STATE_FILE, STATE_VERSION } from './state.js';
import type { PendingState } from './state.js';

/** Files of a certificate's folder. */
export const CERTIFICATE_FILES = {
  cert: 'cert.pem',
  chain: 'chain.pem',
  fullchain: 'fullchain.pem',
  encryptedKey: 'privkey.enc.pem',
  state: STATE_FILE,
} as const;

/** The part of {@link AcmApiClient} the flow uses. */
export type CertificateClient = Pick<AcmApiClient, 'issue' | 'retrieve'>;

/** Log and annotations (the runner's `info`, `warning`, `error`). */
export interface FlowLog {
  info(message: string): void;
  warning(message: string, title?: string): void;
  error(message: string, title?: string): void;
}

/** What {@link processCertificate} needs. */
export interface FlowServices {
  readonly client: CertificateClient;
  readonly preflight: PreflightService;
  readonly log: FlowLog;
  /** Masks a secret in the runner's log (the whole value and each line). */
  readonly mask: (secret: string) => void;
  readonly folder: OutputFolder;
  /** A folder outside the repository for a generated plaintext key (RUNNER_TEMP). */
  readonly tempDir: string;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

/** First delay between polls of a resumed application, milliseconds (doubles up to a minute). */
const RESUME_POLL_MS = 5000;

interface KeyMaterial {
  readonly csr: string;
  /** The plaintext key when the Action has it (generated, decrypted or from the secret). */
  readonly privateKeyPem?: string;
  /** The encrypted form to store, when the Action generated the key and has a passphrase. */
  readonly encryptedPrivateKey?: string;
}

function sameDomains(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

async function keyMaterial(request: CertificateRequest, inputs: ActionInputs, services: FlowServices): Promise<KeyMaterial> {
  const givenCsr = request.csr ?? inputs.csr;
  if (givenCsr !== undefined) {
    checkCsr(givenCsr, { domains: request.domains });
    if (inputs.privateKey !== undefined) checkKeyMatchesCsr(inputs.privateKey, givenCsr);
    return inputs.privateKey === undefined ? { csr: givenCsr } : { csr: givenCsr, privateKeyPem: inputs.privateKey };
  }
  if (inputs.privateKey !== undefined) {
    const csr = await createCsr({ domains: request.domains, privateKey: loadPrivateKey(inputs.privateKey).key });
    return { csr, privateKeyPem: inputs.privateKey };
  }
  const generated = await generateKeyAndCsr({ domains: request.domains, keyType: request.keyType });
  services.mask(generated.privateKeyPem);
  if (inputs.keyPassphrase === undefined) {
    if (inputs.output !== 'none') {
      services.log.warning(
        `${request.name}: the private key generated for it is not stored anywhere, because key-passphrase is empty: it is kept only for later steps of this job. Give key-passphrase, or a private-key secret, or a csr.`,
        'Private key not stored',
      );
    }
    return { csr: generated.csrPem, privateKeyPem: generated.privateKeyPem };
  }
  return { csr: generated.csrPem, privateKeyPem: generated.privateKeyPem, encryptedPrivateKey: encryptPrivateKey(generated.privateKeyPem, inputs.keyPassphrase) };
}

async function keepPlaintextKeyForJob(name: string, privateKeyPem: string, tempDir: string): Promise<string> {
  const dir = join(tempDir, 'acmapi', name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'privkey.pem');
  await writeFile(file, privateKeyPem, { mode: 0o600 });
  return file;
}

async function storeIssued(
  request: CertificateRequest,
  result: Extract<CertificateResult, { status: 'issued' }>,
  key: KeyMaterial,
  services: FlowServices,
): Promise<CertificateOutcome> {
  const { folder } = services;
  const certificate: IssuedCertificate = result.certificate;
  const at = (file: string): string => `${request.name}/${file}`;
  await folder.write(at(CERTIFICATE_FILES.cert), certificate.certPem);
  await folder.write(at(CERTIFICATE_FILES.chain), certificate.chainPem);
  await folder.write(at(CERTIFICATE_FILES.fullchain), certificate.fullchainPem);
  if (key.encryptedPrivateKey !== undefined) await folder.write(at(CERTIFICATE_FILES.encryptedKey), key.encryptedPrivateKey);
  await folder.remove(at(CERTIFICATE_FILES.state));
  const privateKeyPath = key.privateKeyPem === undefined ? undefined : await keepPlaintextKeyForJob(request.name, key.privateKeyPem, services.tempDir);
  const leaf = certificate.leaf;
  services.log.info(`${request.name}: issued, valid until ${leaf.notAfter.toISOString()}, SHA-256 ${leaf.fingerprintSha256}.`);
  return {
    name: request.name,
    domains: request.domains,
    status: 'issued',
    detail: `issued for ${request.domains.join(', ')}`,
    handleId: result.handleId,
    notAfter: leaf.notAfter,
    fingerprint: leaf.fingerprintSha256,
    serial: leaf.serialNumber,
    certificatePath: folder.repoPath(at(CERTIFICATE_FILES.cert)),
    fullchainPath: folder.repoPath(at(CERTIFICATE_FILES.fullchain)),
    ...(privateKeyPath === undefined ? {} : { privateKeyPath }),
  };
}

function pendingOutcome(request: CertificateRequest, handleId: string, services: FlowServices): CertificateOutcome {
  const detail = `the CA holds the application for a person to approve; the next run retrieves it by handle ${handleId} (saved in ${services.folder.repoPath(`${request.name}/${STATE_FILE}`)}).`;
  services.log.info(`${request.name}: pending, handle ${handleId}; ${detail}`);
  return { name: request.name, domains: request.domains, status: 'pending', detail, handleId };
}

async function retrieveUntil(client: CertificateClient, state: PendingState, waitMs: number, services: FlowServices): Promise<CertificateResult> {
  const started = services.now().getTime();
  let delay = RESUME_POLL_MS;
  for (;;) {
    const result = await client.retrieve(state.handleId, { csr: state.csr });
    const remaining = waitMs - (services.now().getTime() - started);
    if (result.status === 'issued' || remaining <= 0) return result;
    await services.sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, 60_000);
  }
}

async function resume(request: CertificateRequest, state: PendingState, inputs: ActionInputs, services: FlowServices): Promise<CertificateOutcome> {
  let key: KeyMaterial = { csr: state.csr };
  if (state.encryptedPrivateKey !== undefined) {
    if (inputs.keyPassphrase === undefined) {
      throw new Error(`${request.name}: the pending application's private key is saved encrypted; give the same key-passphrase as the run that applied.`);
    }
    const privateKeyPem = decryptPrivateKey(state.encryptedPrivateKey, inputs.keyPassphrase);
    services.mask(privateKeyPem);
    key = { csr: state.csr, privateKeyPem, encryptedPrivateKey: state.encryptedPrivateKey };
  } else if (inputs.privateKey !== undefined) {
    key = { csr: state.csr, privateKeyPem: inputs.privateKey };
  }
  services.log.info(`${request.name}: resuming the pending application ${state.handleId}.`);
  try {
    const result = await retrieveUntil(services.client, state, inputs.waitMs, services);
    if (result.status === 'pending') return pendingOutcome(request, result.handleId, services);
    return await storeIssued(request, result, key, services);
  } catch (error) {
    // 108 (unknown handle) and 109 (refused) end the application: drop the state so the next run applies afresh.
    if (error instanceof CaError && (error.status === 108 || error.status === 109)) {
      await services.folder.remove(`${request.name}/${STATE_FILE}`);
    }
    throw error;
  }
}

/**
 * Runs core's preflight and annotates each failing domain (error in strict mode, warning
 * in warn mode) with its address, scheme, reason and hint.
 * Pushes the problems onto `found` before throwing, so the failed outcome and the summary
 * still name them (and in warn mode, when the application goes ahead).
 * @throws {PreflightError} `PREFLIGHT_FAILED` in strict mode when a domain fails (nothing is sent to the CA).
 */
async function runPreflight(request: CertificateRequest, inputs: ActionInputs, services: FlowServices, found: PreflightProblem[]): Promise<void> {
  if (inputs.preflight === 'off') return;
  if (inputs.signfile === undefined) {
    services.log.info(`${request.name}: preflight skipped: give the signfile input (its content) or signfile.path in acmapi.json to check it before applying.`);
    return;
  }
  const result = await services.preflight({ domains: request.domains, signfile: { name: inputs.signfileName, content: inputs.signfile }, mode: inputs.preflight });
  for (const domain of result.domains) for (const warning of domain.warnings) services.log.info(`${request.name}: preflight: ${warning}`);
  for (const problem of preflightProblems(result)) {
    found.push(problem);
    const { title, message } = preflightAnnotation(problem);
    if (inputs.preflight === 'strict') services.log.error(message, title);
    else services.log.warning(message, title);
  }
  if (result.ok) services.log.info(`${request.name}: preflight passed: every address of ${request.domains.join(', ')} serves the signfile.`);
  enforcePreflight(result);
}

/** Describes a failure: what happened, then what to do in the Action's words (never a secret: core's messages hold none). */
export function describeFailure(error: unknown): { message: string; code: string } {
  if (isAcmApiError(error)) return { message: describeAcmApiError(error), code: error.code };
  if (error instanceof Error) {
    const named = ['InputError', 'StateError', 'PlaintextKeyError', 'CommitError'].includes(error.name);
    return { message: named ? error.message : `${error.message} (unexpected; re-run with debug logging and report it if it persists)`, code: error.name };
  }
  return { message: String(error), code: 'UNKNOWN' };
}

/**
 * Handles one certificate. Never throws: a failure becomes a `failed` outcome (with an
 * annotation: per failing domain for the preflight, per domain for CA error 107).
 */
export async function processCertificate(request: CertificateRequest, inputs: ActionInputs, services: FlowServices): Promise<CertificateOutcome> {
  const preflightFailures: PreflightProblem[] = [];
  // The preflight's problems go in the outcome (and the summary) whatever happens after it.
  const withPreflight = (outcome: CertificateOutcome): CertificateOutcome => (preflightFailures.length === 0 ? outcome : { ...outcome, preflightFailures });
  try {
    const statePath = `${request.name}/${STATE_FILE}`;
    const stateText = await services.folder.read(statePath);
    if (stateText !== undefined) {
      const state = parseState(stateText, services.folder.repoPath(statePath));
      if (sameDomains(state.domains, request.domains)) return await resume(request, state, inputs, services);
      services.log.warning(`${request.name}: the pending application ${state.handleId} was for ${state.domains.join(', ')}; the domains changed, so it is dropped and a new one made.`);
      await services.folder.remove(statePath);
    }
    const existing = await services.folder.read(`${request.name}/${CERTIFICATE_FILES.cert}`);
    if (existing !== undefined) {
      const decision = existingCertificateDecision(existing, request.domains, inputs.renewBeforeDays, services.now());
      if (!decision.due) {
        services.log.info(`${request.name}: skipped, ${decision.reason}.`);
        return {
          name: request.name,
          domains: request.domains,
          status: 'skipped',
          detail: decision.reason,
          ...(decision.notAfter === undefined ? {} : { notAfter: decision.notAfter }),
          ...(decision.fingerprint === undefined ? {} : { fingerprint: decision.fingerprint }),
          ...(decision.serial === undefined ? {} : { serial: decision.serial }),
          certificatePath: services.folder.repoPath(`${request.name}/${CERTIFICATE_FILES.cert}`),
          fullchainPath: services.folder.repoPath(`${request.name}/${CERTIFICATE_FILES.fullchain}`),
        };
      }
      services.log.info(`${request.name}: renewing, ${decision.reason}.`);
    }
    await runPreflight(request, inputs, services, preflightFailures);
    const key = await keyMaterial(request, inputs, services);
    const savePending = async (handleId: string): Promise<void> => {
      const state: PendingState = {
        version: STATE_VERSION,
        handleId,
        domains: request.domains,
        csr: key.csr,
        ...(key.encryptedPrivateKey === undefined ? {} : { encryptedPrivateKey: key.encryptedPrivateKey }),
        appliedAt: services.now().toISOString(),
      };
      await services.folder.write(statePath, formatState(state));
    };
    const result = await services.client.issue({ domains: request.domains, csr: key.csr }, { waitMs: inputs.waitMs, onPending: savePending });
    if (result.status === 'pending') return withPreflight(pendingOutcome(request, result.handleId, services));
    return withPreflight(await storeIssued(request, result, key, services));
  } catch (error) {
    const { message, code } = describeFailure(error);
    if (error instanceof PreflightError) {
      // Each failing domain has its annotation already.
      return withPreflight({ name: request.name, domains: request.domains, status: 'failed', detail: message, errorCode: code });
    }
    if (error instanceof CaError && error.status === 107) {
      services.log.error(message, `Domain verification failed (107)${error.domain === undefined ? '' : `: ${error.domain}`}`);
    } else {
      services.log.error(`${request.name}: ${message}`, `Certificate ${request.name} failed`);
    }
    return withPreflight({ name: request.name, domains: request.domains, status: 'failed', detail: message, errorCode: code });
  }
}
