/**
 * Hooks (issue 10, deployment): shell commands run around a renewal, with certbot's names —
 * `pre` (before a run that may touch the CA), `post` (after it), `deploy` (once per
 * certificate that went live), `failure` (a renewal failed, or a certificate is in its
 * warning period and not renewed). Each one gets the event as JSON on stdin and its main
 * fields in environment variables, runs under a timeout that kills its whole process group,
 * and never makes this package throw: a failing hook is a result, for the lifecycle to report.
 */
// node:child_process is loaded when a hook runs: most runs have none, and loading it costs
// every `acmapi issue` CPU at start (issue 9's start-up budget).
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname } from 'node:path';

/** Which hook: certbot's `--pre-hook`, `--post-hook`, `--deploy-hook`, plus `failure`. */
export type HookKind = 'pre' | 'post' | 'deploy' | 'failure';

/**
 * What a hook is told, as JSON on its stdin (and, for the main fields, in its environment:
 * see {@link hookEnvironment}). Never holds the auth token, a private key or a passphrase.
 */
export interface HookEvent {
  kind: HookKind;
  /** The certificate's store name. */
  certificate?: string;
  /** Its domains. */
  domains?: string[];
  /**
   * Paths of its files, by role: `cert`, `key`, `chain`, `fullchain` (the store's live
   * files), `dir` (the certificate's folder, certbot's lineage), and any install target or
   * `pfx` the caller adds.
   */
  files?: Record<string, string>;
  /** The live certificate's notAfter, ISO 8601. */
  notAfter?: string;
  /** The pending application's handle (spec §3), when there is one. */
  handleId?: string;
  /** The failure, for `failure` hooks: the error's stable code and its message. */
  error?: { code: string; message: string };
  /** Why the hook runs, in a word or two (e.g. `renewed`, `expiry-warning`). */
  reason?: string;
}

/** How a hook ended. */
export interface HookResult {
  kind: HookKind;
  /** The command line as given. */
  command: string;
  /** The shell's exit status; `null` when it was ended by a signal or did not start. */
  exitCode: number | null;
  /** The signal that ended the shell (e.g. `SIGTERM` after the timeout), or `null`. */
  signal: string | null;
  /** Whether the timeout ended it. */
  timedOut: boolean;
  /** Whether the caller's `AbortSignal` ended it (or kept it from starting). */
  aborted: boolean;
  /** From start to the shell's exit, milliseconds. */
  durationMs: number;
  /**
   * The last {@link HOOK_OUTPUT_TAIL_BYTES} bytes of its stderr (UTF-8), with control characters
   * other than newline and tab escaped (`\u{1b}`), `…` in front when cut; when the shell
   * could not be started, why.
   */
  stderrTail: string;
  /** The same for its stdout. */
  stdoutTail: string;
}

/** Options of {@link runHook}. */
export interface RunHookOptions {
  /**
   * How long the hook may run, milliseconds; then its process group gets SIGTERM, and
   * SIGKILL {@link killGraceMs} later.
   * @default 120000
   */
  timeoutMs?: number;
  /**
   * The environment the hook's variables are added to; secrets are removed from it (see
   * {@link hookEnvironment}).
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
  /** Ends the hook as the timeout does. */
  signal?: AbortSignal;
  /**
   * Names of further variables to remove from the hook's environment, e.g. the one a
   * PKCS#12 passphrase is read from.
   */
  secretEnv?: readonly string[];
  /**
   * Time between SIGTERM and SIGKILL to the process group, milliseconds.
   * @default 5000
   */
  killGraceMs?: number;
}

/** Default timeout of a hook, milliseconds (2 minutes). */
export const HOOK_DEFAULT_TIMEOUT_MS = 120_000;
/** Bytes of stderr and stdout kept in a {@link HookResult}. */
export const HOOK_OUTPUT_TAIL_BYTES = 4096;
const DEFAULT_KILL_GRACE_MS = 5_000;
/** How long output still in the pipes is read after the shell exited, milliseconds. */
const DRAIN_MS = 100;

/** The variables {@link runHook} sets; inherited ones of these names are removed first. */
export const HOOK_ENV_NAMES = [
  'ACMAPI_HOOK',
  'ACMAPI_CERTIFICATE',
  'ACMAPI_DOMAINS',
  'ACMAPI_CERT_PATH',
  'ACMAPI_KEY_PATH',
  'ACMAPI_FULLCHAIN_PATH',
  'ACMAPI_CHAIN_PATH',
  'ACMAPI_NOT_AFTER',
  'ACMAPI_HANDLE',
  'ACMAPI_ERROR_CODE',
  'ACMAPI_ERROR_MESSAGE',
  'RENEWED_LINEAGE',
  'RENEWED_DOMAINS',
] as const;

/**
 * Whether an inherited variable is one of this toolkit's secrets: any `ACMAPI_…` (the CLI's)
 * or `INPUT_…` (a GitHub Action's inputs) variable whose name holds TOKEN, PASSPHRASE,
 * PASSWORD or SECRET — `ACMAPI_AUTH_TOKEN`, `ACMAPI_PFX_PASSPHRASE`, `INPUT_AUTH-TOKEN`, ….
 */
export function isSecretEnvName(name: string): boolean {
  return /^(?:ACMAPI_|INPUT_)/i.test(name) && /TOKEN|PASSPHRASE|PASSWORD|SECRET/i.test(name);
}

/** Escapes C0 and C1 controls (but newline and tab), DEL and the bidirectional overrides. */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`);
}

/**
 * The environment of a hook: `base` without this toolkit's secrets ({@link isSecretEnvName},
 * plus `secretEnv`) and without inherited {@link HOOK_ENV_NAMES}, plus the event's fields:
 * `ACMAPI_HOOK` (the kind), `ACMAPI_CERTIFICATE`, `ACMAPI_DOMAINS` (space separated),
 * `ACMAPI_CERT_PATH`, `ACMAPI_KEY_PATH`, `ACMAPI_FULLCHAIN_PATH`, `ACMAPI_CHAIN_PATH`,
 * `ACMAPI_NOT_AFTER` (ISO 8601), `ACMAPI_HANDLE`, `ACMAPI_ERROR_CODE`, `ACMAPI_ERROR_MESSAGE`
 * — each only when the event has it — and, for `deploy` hooks, certbot's `RENEWED_LINEAGE`
 * (the certificate's folder) and `RENEWED_DOMAINS` (space separated), so deploy hooks
 * written for certbot run unchanged. Control characters in values are escaped. Pure.
 */
export function hookEnvironment(kind: HookKind, event: HookEvent, base: NodeJS.ProcessEnv = process.env, secretEnv: readonly string[] = []): NodeJS.ProcessEnv {
  const drop = new Set<string>([...HOOK_ENV_NAMES, ...secretEnv]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !drop.has(name) && !isSecretEnvName(name)) env[name] = value;
  }
  const set = (name: (typeof HOOK_ENV_NAMES)[number], value: string | undefined): void => {
    if (value !== undefined) env[name] = escapeControls(value);
  };
  const domains = event.domains?.join(' ');
  const files = event.files ?? {};
  set('ACMAPI_HOOK', kind);
  set('ACMAPI_CERTIFICATE', event.certificate);
  set('ACMAPI_DOMAINS', domains);
  set('ACMAPI_CERT_PATH', files['cert']);
  set('ACMAPI_KEY_PATH', files['key']);
  set('ACMAPI_FULLCHAIN_PATH', files['fullchain']);
  set('ACMAPI_CHAIN_PATH', files['chain']);
  set('ACMAPI_NOT_AFTER', event.notAfter);
  set('ACMAPI_HANDLE', event.handleId);
  set('ACMAPI_ERROR_CODE', event.error?.code);
  set('ACMAPI_ERROR_MESSAGE', event.error?.message);
  if (kind === 'deploy') {
    const cert = files['cert'];
    set('RENEWED_LINEAGE', files['dir'] ?? (cert === undefined ? undefined : dirname(cert)));
    set('RENEWED_DOMAINS', domains);
  }
  return env;
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #cut = false;
  constructor(readonly limit: number) {}

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    while (this.#chunks.length > 1 && this.#bytes - (this.#chunks[0]?.length ?? 0) >= this.limit) {
      this.#bytes -= this.#chunks.shift()?.length ?? 0;
      this.#cut = true;
    }
  }

  text(): string {
    let bytes = Buffer.concat(this.#chunks);
    let cut = this.#cut;
    if (bytes.length > this.limit) {
      bytes = bytes.subarray(bytes.length - this.limit);
      cut = true;
    }
    // Start on a character: skip UTF-8 continuation bytes left by the cut.
    let start = 0;
    while (cut && start < bytes.length && start < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
    return (cut ? '…' : '') + escapeControls(bytes.subarray(start).toString('utf8'));
  }
}

/**
 * Runs one hook: `/bin/sh -c COMMAND` in its own process group, with the event as one line
 * of JSON on stdin and in the environment of {@link hookEnvironment}. It may run
 * `timeoutMs` (default 2 minutes); then, or when `signal` aborts, its whole process group
 * (the shell and whatever it started, e.g. a `sleep` in a script) gets SIGTERM, and SIGKILL
 * `killGraceMs` later. The result comes when the shell has exited and its output is read;
 * processes a hook deliberately leaves running in the background stay (and should not write
 * to the stdout or stderr they inherited, which are closed shortly after the shell's exit).
 *
 * Never throws for a failing, timed-out or unstartable command: the result says so
 * (`exitCode`, `signal`, `timedOut`, `aborted`, `stderrTail`).
 *
 * @param kind - which hook (also `ACMAPI_HOOK`).
 * @param command - a shell command line, as the operator gave it.
 * @param event - what happened (JSON on stdin).
 */
export async function runHook(kind: HookKind, command: string, event: HookEvent, options: RunHookOptions = {}): Promise<HookResult> {
  const started = performance.now();
  const base = { kind, command, timedOut: false, aborted: false };
  if (options.signal?.aborted === true) {
    return { ...base, exitCode: null, signal: null, aborted: true, durationMs: 0, stderrTail: '', stdoutTail: '' };
  }
  const env = hookEnvironment(kind, event, options.env ?? process.env, options.secretEnv);
  const stdout = new Tail(HOOK_OUTPUT_TAIL_BYTES);
  const stderr = new Tail(HOOK_OUTPUT_TAIL_BYTES);
  const { spawn } = await import('node:child_process');
  return new Promise<HookResult>((resolve) => {
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let child: ChildProcessWithoutNullStreams;
    try {
      // detached: the shell leads a new process group, so the timeout can end all of it.
      child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env });
    } catch (error) {
      // Synchronous refusals (a NUL byte in a given environment value, …).
      resolve({ ...base, exitCode: null, signal: null, durationMs: 0, stderrTail: `could not start /bin/sh: ${escapeControls((error as Error).message)}`, stdoutTail: '' });
      return;
    }
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the group is gone already.
      }
    };
    const stop = (): void => {
      if (graceTimer !== undefined) return;
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => { killGroup('SIGKILL'); }, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      graceTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs ?? HOOK_DEFAULT_TIMEOUT_MS);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | null, signal: string | null, startError?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const durationMs = Math.round(performance.now() - started);
      const deliver = (): void => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({
          ...base,
          exitCode,
          signal,
          timedOut,
          aborted,
          durationMs,
          stderrTail: startError === undefined ? stderr.text() : `could not start /bin/sh: ${escapeControls(startError.message)}`,
          stdoutTail: stdout.text(),
        });
      };
      // Output the shell wrote just before exiting may still be in the pipes; a background
      // process holding them open must not keep the result waiting.
      let open = 2;
      const drained = setTimeout(deliver, DRAIN_MS);
      const closed = (): void => {
        if (--open === 0) {
          clearTimeout(drained);
          deliver();
        }
      };
      for (const stream of [child.stdout, child.stderr]) {
        if (stream.closed) closed();
        else stream.once('close', closed);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => { stdout.push(chunk); });
    child.stderr.on('data', (chunk: Buffer) => { stderr.push(chunk); });
    child.stdin.on('error', () => undefined); // EPIPE: a hook need not read its stdin
    child.once('error', (error) => { finish(null, null, error); });
    child.once('exit', (code, signal) => { finish(code, signal); });
    child.stdin.end(`${JSON.stringify({ ...event, kind })}\n`);
  });
}
