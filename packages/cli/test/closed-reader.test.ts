/**
 * A reader that closes before the command is done writing (`acmapi issue --help | head -1`):
 * the command ends normally, without Node's "Unhandled 'error' event … EPIPE" (src/bin.ts).
 * The test closes the read end of the child's stdout before the child writes anything, so
 * every write meets a closed pipe, whatever the timing.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_BIN } from './cli-harness.js';

function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

describe('output to a reader that has gone', () => {
  it.each([['issue', '--help'], ['retrieve', '--help'], ['completion', 'bash']])('acmapi %s %s ends with exit 0 and no EPIPE trace', async (...args) => {
    const run = await runWithClosedStdout(args);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(/);
    expect(run.code).toBe(0);
  });
});
