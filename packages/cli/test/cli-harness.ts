/**
 * Runs the BUILT command (`node dist/bin.cjs`) as a child process, asynchronously so
 * an in-process sandbox can answer it, and checks on every run that no auth token
 * reached stdout or stderr.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The built CLI; `pnpm --filter @acmapi/cli build` makes it. */
export const CLI_BIN = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url));

/** Tokens that must never be printed; every sandbox customer's token starts like this. */
const CANARY_PREFIX = 'canary-token-';
const canaries = new Set<string>();

/** A fresh auth token, registered as a canary. */
export function canaryToken(): string {
  const token = `${CANARY_PREFIX}${randomBytes(12).toString('hex')}`;
  canaries.add(token);
  return token;
}

/** What a run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `acmapi ARGS…` with exactly `env` (plus PATH), and asserts that no canary token
 * appears in its output.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        if (code === -1) {
          reject(error ?? new Error('no exit code'));
          return;
        }
        for (const canary of canaries) {
          expect(stdout, 'stdout leaks an auth token').not.toContain(canary);
          expect(stderr, 'stderr leaks an auth token').not.toContain(canary);
        }
        expect(stdout + stderr).not.toContain(CANARY_PREFIX);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** What a run that may be killed printed, and how it ended: an exit code, or the signal that ended it. */
export interface CliEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `acmapi ARGS…` like {@link runCli} and returns the child (to kill it from outside)
 * and its end, which also resolves when a signal ended it. No token may be printed.
 */
export function startCli(args: readonly string[], env: Record<string, string> = {}, cwd?: string): { child: ChildProcess; ended: Promise<CliEnd> } {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const ended = new Promise<CliEnd>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      expect(stdout + stderr).not.toContain(CANARY_PREFIX);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, ended };
}

/** Parses the one JSON object of a `--json` run (fails the test if stdout holds anything else). */
export function parseJsonOutput(run: CliRun): Record<string, unknown> {
  const parsed: unknown = JSON.parse(run.stdout);
  expect(typeof parsed).toBe('object');
  return parsed as Record<string, unknown>;
}

/** Answer of a raw ACMAPI POST. */
export interface RawAnswer {
  httpStatus: number;
  body: Record<string, unknown>;
}

/**
 * POSTs a hand-made ACMAPI body to the sandbox (for requests the CLI never sends,
 * e.g. a wrong `req_type`), trusting the sandbox's root.
 */
export function rawPost(url: string, caPem: string, body: unknown): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: caPem, headers: { 'content-type': 'application/json; charset=utf-8' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ httpStatus: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
