/**
 * `acmapi delete` on a terminal: the question, and what each answer does, over a real store
 * in a temporary folder (a certificate with an application pending at the CA, its key saved).
 * The terminal is a stream that says it is one; the non-terminal cases run the built
 * command in test/delete-command.test.ts.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyAndCsr } from '@acmapi/core';
import { openStore } from '@acmapi/core/store';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { Output } from '../present/output.js';
import type { CommandContext } from './command-kit.js';
import { confirm, deleteCommand } from './delete.js';

let temp: TempDir;

beforeEach(async () => {
  temp = await makeTempDir('acmapi-cli-delete-');
  const store = await openStore(join(temp.path, 'store'));
  const domains = ['ask.example.com'];
  const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains });
  await store.withCertificate('ask', async (certificate) => {
    await certificate.prepareApplication({ domains, keyType, privateKeyPem, csrPem });
    await certificate.recordPending('h-ask-7');
  });
});
afterEach(async () => {
  await temp.cleanup();
});

/** A terminal that answers `answer`, recording what it was asked. */
function terminal(answer: string): { input: PassThrough & { isTTY: boolean }; output: PassThrough; asked: () => string } {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = new PassThrough();
  let asked = '';
  output.on('data', (chunk: Buffer) => (asked += chunk.toString('utf8')));
  // Answered once the question is out, as a person would.
  output.once('data', () => input.end(answer));
  return { input, output, asked: () => asked };
}

async function runDelete(answer: string, ...args: string[]): Promise<{ exitCode: number; stdout: string; asked: string }> {
  let stdout = '';
  const sink = (write: (text: string) => void): NodeJS.WriteStream => Object.assign(new PassThrough(), { write: (chunk: string) => (write(chunk), true) }) as unknown as NodeJS.WriteStream;
  const ctx: CommandContext = {
    env: {},
    makeOutput: (json) => new Output({ json, stdout: sink((text) => (stdout += text)), stderr: sink(() => undefined), env: {} }),
    exitCode: -1,
  };
  const tty = terminal(answer);
  await deleteCommand(ctx, tty).parseAsync(['ask', '--out', join(temp.path, 'store'), ...args], { from: 'user' });
  return { exitCode: ctx.exitCode, stdout, asked: tty.asked() };
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('acmapi delete on a terminal', () => {
  it('asks what it will delete; anything but yes keeps the certificate (exit 2)', async () => {
    for (const answer of ['n\n', '\n', 'maybe\n', '']) {
      const run = await runDelete(answer, '--json');
      expect(run.asked).toMatch(/^Delete certificate "ask" \(ask\.example\.com; pending; application h-ask-7 pending at the CA\) from .*store\/ask, with every private key in it\? This cannot be undone\. \[y\/N\] $/);
      expect(run.exitCode).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'kept', name: 'ask', handleId: 'h-ask-7' });
      expect(await exists(join(temp.path, 'store', 'ask', 'state.json'))).toBe(true);
    }
  });

  it('deletes on y or yes, and says the pending application stays at the CA', async () => {
    const run = await runDelete('Yes\n');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Deleted "ask"');
    expect(run.stdout).toContain('Its application h-ask-7 is still pending at the CA.');
    expect(await exists(join(temp.path, 'store', 'ask'))).toBe(false);
  });

  it('--yes asks nothing, even on a terminal', async () => {
    const run = await runDelete('n\n', '--yes');
    expect(run.asked).toBe('');
    expect(run.exitCode).toBe(0);
    expect(await exists(join(temp.path, 'store', 'ask'))).toBe(false);
  });

  it('confirm: y and yes in any case confirm; the end of input does not', async () => {
    for (const [answer, expected] of [['y\n', true], ['YES\n', true], [' yes \n', true], ['no\n', false], ['', false]] as const) {
      const tty = terminal(answer);
      expect(await confirm('Sure?', tty)).toBe(expected);
    }
  });
});
