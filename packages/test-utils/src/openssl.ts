/**
 * openssl as an independent peer: tests check what acmapi produces with a tool
 * that shares none of its code.
 */
import { spawn } from 'node:child_process';
import { findBinary } from './binaries.js';

/** Options of {@link runOpenssl}. */
export interface RunOpensslOptions {
  /** Written to openssl's stdin, then stdin is closed. */
  input?: string | Uint8Array;
  /** Working folder. @default the current folder */
  cwd?: string;
  /**
   * Resolve even when openssl exits non-zero (to assert a failure).
   * @default false (a non-zero exit rejects with stderr in the message)
   */
  allowFailure?: boolean;
}

/** What openssl printed and how it exited. */
export interface RunOpensslResult {
  stdout: string;
  stderr: string;
  /** Exit status; `null` when killed by a signal. */
  status: number | null;
}

/** The openssl command that failed, with its output. */
export class OpensslError extends Error {
  override name = 'OpensslError';
  readonly code = 'TEST_OPENSSL_FAILED';
  constructor(
    message: string,
    readonly result: RunOpensslResult,
  ) {
    super(message);
  }
}

/**
 * Runs `openssl ARGS…` (no shell) and collects its output.
 *
 * @example await runOpenssl(['verify', '-CAfile', root, '-untrusted', chain, cert])
 * @throws {MissingBinaryError} when openssl is not installed.
 * @throws {OpensslError} `TEST_OPENSSL_FAILED` when it exits non-zero, unless `allowFailure`.
 */
export async function runOpenssl(args: readonly string[], options: RunOpensslOptions = {}): Promise<RunOpensslResult> {
  const openssl = findBinary('openssl', 'openssl', ['/usr/bin/openssl']);
  const child = spawn(openssl, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => undefined); // openssl may exit before reading all of stdin
  child.stdin.end(options.input);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve(code);
    });
  });
  const result = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), status };
  if (status !== 0 && options.allowFailure !== true) {
    throw new OpensslError(`openssl ${args.join(' ')} exited ${String(status)}: ${result.stderr.trim()}`, result);
  }
  return result;
}
