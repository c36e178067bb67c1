/**
 * One certificate's run, shared by `issue`, `renew`, `retrieve` and `demo`: core's
 * `runCertificate` does the work (lock, record, plan, key saved before sending, handle saved
 * before polling, install or record the failure); this file adds what the terminal needs —
 * progress lines, warnings, Ctrl-C during `--wait`, `--pfx` — and turns its result into the
 * `--json` result.
 */
import { runCertificate as runInStore, StoreError } from '@acmapi/core';
import type { CertificateStore, KeyAndCsr, KeyType, RunCertificateHooks, RunCertificateResult, StoreStepHook } from '@acmapi/core';
import { alreadyInstalledResult, interruptedResult, issuedResult, notDueResult, pendingResult } from './certificate-results.js';
import { InterruptWatch } from './interrupt-watch.js';
import { createClient } from './client-factory.js';
import type { ClientFlags } from './client-factory.js';
import type { Credentials } from './credentials.js';
import type { Output, Progress } from './output.js';
import { ensurePfx } from './pfx-export.js';
import type { ResultJson } from './present.js';

export type { KeyAndCsr } from '@acmapi/core';

/** Which certificate, and what it should be. */
export interface CertificateTarget {
  /** The store name. */
  name: string;
  /** The domains wanted, normalised (spec §4); a change from the live certificate's means a new application. */
  domains: string[];
  /** The key type asked for (flag or acmapi.json); `undefined` keeps the live one's (new keys: `ec-p256`). */
  keyType: KeyType | undefined;
  /**
   * Makes the key and CSR of a new application: the user's own (`--csr`/`--key`), already
   * checked. @default a generated key of `keyType` and its CSR
   */
  makeKeys?: (() => Promise<KeyAndCsr>) | undefined;
}

/** What every run needs, whatever the command. */
export interface RunContext extends ClientFlags {
  store: CertificateStore;
  /** How long to wait for another process holding the certificate, milliseconds. */
  lockWaitMs: number;
  /** The credentials; called only when the CA is contacted (a not-due run needs none). */
  credentials: () => Promise<Credentials>;
  output: Output;
  /** `--pfx`: the passphrase of the `.pfx` to keep beside the live files. */
  pfxPassphrase: string | undefined;
  /** The command's own steps (`key-generated`, `applied`), for the test-only crash hook. */
  onStep?: StoreStepHook | undefined;
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
  /** Wraps the sending of an application, new or resent (the signfile deployment and preflight of `renew`). */
  aroundApply?: (<T>(apply: () => Promise<T>, domains: string[]) => Promise<T>) | undefined;
}

/**
 * Runs one certificate (`issue`/`renew`). See the module comment.
 *
 * @returns `issued` (exit 0), `not-due` (exit 0) or `pending` (exit 3; 130/143 when a signal ended `--wait`).
 * @throws {StoreError} `STORE_LOCKED` (another process kept the lock past `lockWaitMs`),
 *   `STORE_PENDING_EXISTS` (`issue` over a pending application without `force`), `STORE_CORRUPT`.
 * @throws {CaError}, {TransportError}, {ProtocolError}, {CertificateError} from the CA call,
 *   recorded first (see core's `runCertificate`); {DomainError}/{CsrError} (nothing sent).
 */
export async function runCertificate(options: RunCertificateOptions): Promise<ResultJson> {
  const { target } = options;
  // Ctrl-C or SIGTERM while waiting for a pending application ends the wait, not the process:
  // the handle is saved already, so the run unwinds (lock released) and says how to go on.
  const interrupt = new InterruptWatch();
  const terminal = new TerminalHooks(target.name, options);
  try {
    const result = await runInStore({
      store: options.store,
      name: target.name,
      command: options.command,
      domains: target.domains,
      keyType: target.keyType,
      keyAndCsr: target.makeKeys,
      force: options.force,
      days: options.days,
      client: async () => createClient(await options.credentials(), options, options.output),
      waitMs: options.waitMs,
      lockWaitMs: options.lockWaitMs,
      signal: interrupt.signal,
      aroundApply: options.aroundApply,
      hooks: {
        ...terminal.hooks,
        onPending: (handleId, waiting) => {
          if (!waiting) return;
          interrupt.start();
          options.output.warn(`The application is pending at the CA (handle ${handleId}); waiting up to ${Math.round(options.waitMs / 1000)} s.`);
        },
      },
    });
    terminal.succeeded(result, options.output);
    if (result.status === 'pending' && result.interrupted && interrupt.received !== undefined) return interruptedResult(toResultJson(result, terminal.pfxPath), interrupt.received);
    return toResultJson(result, terminal.pfxPath);
  } catch (error) {
    terminal.failed();
    throw error;
  } finally {
    interrupt.stop();
  }
}

/** The `--json` result of core's result. @throws {StoreError} `STORE_PENDING_EXISTS` for `already-pending`. */
export function toResultJson(result: RunCertificateResult, pfxPath: string | undefined): ResultJson {
  switch (result.status) {
    case 'issued':
      return issuedResult({ name: result.name, domains: result.domains, handleId: result.handleId, dir: result.dir, leaf: result.leaf, pfxPath });
    case 'pending':
      return pendingResult(result.name, result.domains, result.handleId, result.dir, result.version);
    case 'not-due':
      return notDueResult(result.record, pfxPath);
    case 'already-installed':
      return alreadyInstalledResult(result.record, result.handleId);
    case 'already-pending':
      throw new StoreError(
        'STORE_PENDING_EXISTS',
        `Certificate "${result.name}" has application ${result.handleId} pending at the CA; a new application now would leave its key behind.`,
        { certificate: result.name, handleId: result.handleId },
      );
    case 'not-found':
      throw new Error(`No application with handle ${result.handleId} (the caller handles not-found).`);
  }
}

/** Progress lines and warnings on the terminal for core's hooks, and the `--pfx` export. */
export class TerminalHooks {
  /** The `.pfx` written while the lock was held, if any. */
  pfxPath: string | undefined;
  readonly hooks: RunCertificateHooks;
  #progress: Progress | undefined;
  #failText = '';

  constructor(name: string, context: Pick<RunContext, 'output' | 'pfxPassphrase' | 'onStep'>) {
    const { output } = context;
    const start = (text: string, failText: string): void => {
      this.#progress = output.progress(text);
      this.#failText = failText;
    };
    this.hooks = {
      onStep: context.onStep,
      onGeneratingKey: (keyType) => {
        start(`Generating a ${keyType} private key and CSR`, 'Generating the key failed');
      },
      onResend: () => {
        output.warn(`Certificate "${name}": an application was prepared by an earlier run that ended before the CA's answer was saved; sending the same key and CSR again.`);
      },
      onEndpointChanged: ({ recorded, current, action }) => {
        output.warn(action === 'resend'
          ? `Note: this application was prepared for ${recorded}, but the endpoint now is ${current}.`
          : `Note: this application was sent to ${recorded}, but the endpoint now is ${current}.`);
      },
      onApplying: (domains) => {
        this.#stop();
        start(`Applying for a certificate for ${domains.join(', ')}`, 'The application failed');
      },
      onRetrieving: (handleId) => {
        start(`Asking the CA for handle ${handleId}`, 'Retrieving failed');
      },
      onAnswered: () => {
        this.#stop();
      },
      onLive: async (certificate) => {
        if (context.pfxPassphrase !== undefined) this.pfxPath = await ensurePfx(certificate, context.pfxPassphrase);
      },
    };
  }

  /**
   * The run ended with a result: a progress line still open (an interrupted wait) just stops,
   * and a certificate without its chain is pointed out.
   */
  succeeded(result: RunCertificateResult, output: Output): void {
    this.#stop();
    if (result.status !== 'issued' || !result.chainMissing) return;
    // Core completes a leaf-only chain from its AIA URL; only when that failed is the chain still empty.
    if (result.chainWarnings.length === 0) {
      output.warn(
        `Note: the CA returned the certificate without its chain, so ${result.dir}/chain.pem is empty and fullchain.pem holds the leaf only. Add the CA's intermediate certificate before serving it.`,
      );
      return;
    }
    for (const warning of result.chainWarnings) {
      output.warn(`Note: ${warning} ${result.dir}/fullchain.pem holds the leaf only; add the CA's intermediate certificate before serving it.`);
    }
  }

  /** The run threw: a progress line still open says so. */
  failed(): void {
    this.#progress?.fail(this.#failText);
    this.#progress = undefined;
  }

  #stop(): void {
    this.#progress?.stop();
    this.#progress = undefined;
  }
}
