/**
 * The hostile-strings corpus through the built `acmapi` (issue 11, "hostile strings"): an
 * endpoint that puts each string where a CA's text reaches the user (107's `other_msg`, a
 * non-JSON body quoted in the error, a handle that breaks the protocol), then `issue`,
 * `retrieve`, `list` and `show` over the store it leaves. Checked on the bytes of stdout and
 * stderr, human and --json: no raw control, bidi or invisible character, no line starting a
 * workflow command, no line longer than 5,000 characters, the printed `acmapi check` command
 * quoted for a shell; and the store's state.json likewise.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { displayText } from '@acmapi/core/text';
import { HOSTILE_STRINGS, makeTempDir, unsafeForDisplay, type TempDir } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryToken, runCli, type CliRun } from './cli-harness.js';

let server: Server;
let temp: TempDir;
let env: Record<string, string>;
let reply: { status: number; body: string } = { status: 200, body: '{}' };
let pendingSaved = false;

beforeAll(async () => {
  temp = await makeTempDir('acmapi-hostile-e2e-');
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  env = { ACMAPI_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}/acmapi`, ACMAPI_CUSTOMER_ID: 'c', ACMAPI_AUTH_TOKEN: canaryToken(), NO_COLOR: '1', HOME: temp.path };
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  await temp.cleanup();
});

function expectSafeOutput(run: CliRun): void {
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) expect(unsafeForDisplay(line, 5000), JSON.stringify(line.slice(0, 160))).toBeUndefined();
}

/** The words a POSIX shell makes of the `acmapi check -d …` command in `text` (the independent check of its quoting). */
function checkCommandDomain(text: string): string | undefined {
  const start = text.indexOf('acmapi check -d ');
  if (start < 0) return undefined;
  const rest = text.slice(start + 'acmapi check -d '.length).split(' --signfile FILE')[0] ?? '';
  // In the temp folder with HOME there: were the quoting ever broken, a corpus string such as
  // `rm -rf ~` would run, and must find nothing of the machine's to act on.
  return execFileSync('sh', ['-c', `set -- ${rest}; printf '%s' "$1"`], { encoding: 'utf8', cwd: temp.path, env: { PATH: process.env['PATH'] ?? '', HOME: temp.path } });
}

const store = (): string => join(temp.path, 'store');
const cases = HOSTILE_STRINGS.map((h, index) => [h.label, h.value, index] as const);

describe('hostile strings through the built acmapi: issue, retrieve, list, show and state.json', () => {
  it.each(cases)('a 107 whose other_msg is %s: issue prints it escaped, quotes the check command, stores it escaped', async (_label, value, index) => {
    reply = { status: 200, body: JSON.stringify({ result: 'error', status: 107, other_msg: value }) };
    const run = await runCli(['issue', '-d', 'shop.acmapi.test', '--name', `c${index}`, '--out', store(), '--retries', '0'], env);
    expectSafeOutput(run);
    if (value.length > 1_000_000) {
      // Over the 1 MiB an answer may have: refused unread (PROTOCOL_BODY_TOO_LARGE).
      expect(run.code).toBe(6);
    } else {
      expect(run.code).toBe(4);
      const domain = checkCommandDomain(run.stderr);
      expect(domain).toBeDefined();
      if (Array.from(value.trim()).length <= 200) expect(domain).toBe(displayText(value.trim()));
    }
    const state = await readFile(join(store(), `c${index}`, 'state.json'), 'utf8');
    for (const line of state.split('\n')) expect(unsafeForDisplay(line, 20_000)).toBeUndefined();
  });

  it('--json output of the same failure is one safe JSON object', async () => {
    reply = { status: 200, body: JSON.stringify({ result: 'error', status: 107, other_msg: HOSTILE_STRINGS.map((h) => h.value.slice(0, 40)).join('') }) };
    const run = await runCli(['issue', '-d', 'shop.acmapi.test', '--name', 'json', '--out', store(), '--retries', '0', '--json'], env);
    expect(run.code).toBe(4);
    expectSafeOutput(run);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { code: 'CA_DOMAIN_VERIFY_FAILED' } });
  });

  it.each(cases)('retrieve: a non-JSON answer and a pending answer whose handle is %s end in safe protocol errors', async (_label, value) => {
    if (!pendingSaved) {
      reply = { status: 200, body: JSON.stringify({ result: 'pending', status: 1, handle_id: 'h-1' }) };
      expect((await runCli(['issue', '-d', 'shop.acmapi.test', '--name', 'p', '--out', store(), '--retries', '0'], env)).code).toBe(3);
      pendingSaved = true;
    }
    reply = { status: 200, body: value };
    const notJson = await runCli(['retrieve', 'h-1', '--name', 'p', '--out', store(), '--retries', '0'], env);
    expect(notJson.code).toBe(6);
    expectSafeOutput(notJson);
    reply = { status: 200, body: JSON.stringify({ result: 'pending', status: 1, handle_id: value }) };
    const badHandle = await runCli(['retrieve', 'h-1', '--name', 'p', '--out', store(), '--retries', '0', '--json'], env);
    expect(badHandle.code).toBe(6);
    expectSafeOutput(badHandle);
  });

  it('list and show replay every stored error safely, in human and --json mode', async () => {
    for (const args of [['list'], ['list', '--json'], ['show', 'c0'], ['show', 'c5', '--json'], ['show', 'json'], ['show', 'p']]) {
      const run = await runCli([...args, '--out', store()], env);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expectSafeOutput(run);
    }
  });

  it('the checker of the printed command is a real shell: a quoted domain comes back as one word', () => {
    expect(checkCommandDomain("x (acmapi check -d 'a b;c' --signfile FILE shows")).toBe('a b;c');
  });
});
