/**
 * `acmapi delete` end to end: the built command over a store holding a certificate really
 * issued by the sandbox (signfile served by nginx), run as a child process whose stdin is a
 * pipe, never a terminal — as from cron or CI.
 */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';

let world: World;
let ca: WorldSandbox;

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox();
});

afterAll(async () => {
  await world.stop();
});

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

async function listNames(out: string): Promise<string[]> {
  const run = await runCli(['list', '--json', '--out', out]);
  expect(run.code).toBe(0);
  return (parseJsonOutput(run)['certificates'] as { name: string }[]).map((entry) => entry.name);
}

describe('acmapi delete', () => {
  it('refuses without --yes when stdin is not a terminal, then deletes an issued certificate and its keys with --yes', async () => {
    const out = join(world.temp.path, 'delete-store');
    for (const domain of ['gone.acmapi.test', 'kept.acmapi.test']) {
      const issued = await runCli(['issue', '-d', domain, '--out', out], ca.env);
      expect(issued.code, issued.stderr).toBe(0);
    }
    const dir = join(out, 'gone.acmapi.test');
    expect(await exists(join(dir, 'privkey.pem'))).toBe(true);

    const refused = await runCli(['delete', 'gone.acmapi.test', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('stdin is not a terminal');
    expect(refused.stderr).toContain('--yes');
    expect(await exists(join(dir, 'privkey.pem'))).toBe(true);
    const refusedJson = parseJsonOutput(await runCli(['delete', 'gone.acmapi.test', '--out', out, '--json']));
    expect(refusedJson).toMatchObject({ status: 'error', name: 'gone.acmapi.test', exitCode: 2, error: { code: 'USAGE_CONFIRM' } });

    const deleted = await runCli(['delete', 'gone.acmapi.test', '--out', out, '--yes', '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(parseJsonOutput(deleted)).toEqual({ status: 'deleted', name: 'gone.acmapi.test', dir, domains: ['gone.acmapi.test'], state: 'valid', exitCode: 0 });
    expect(await exists(dir)).toBe(false);
    // The store's own .gitignore (core keeps keys out of git) and the certificate kept.
    expect((await readdir(out)).sort()).toEqual(['.gitignore', 'kept.acmapi.test']);
    expect(await listNames(out)).toEqual(['kept.acmapi.test']);

    const human = await runCli(['delete', 'kept.acmapi.test', '--out', out, '-y']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Deleted "kept.acmapi.test"');
    expect(await listNames(out)).toEqual([]);
  });

  it('fails on a name the store does not have (exit 2, STORE_NOT_FOUND), with or without --yes', async () => {
    const out = join(world.temp.path, 'unknown-store');
    const issued = await runCli(['issue', '-d', 'here.acmapi.test', '--out', out], ca.env);
    expect(issued.code, issued.stderr).toBe(0);
    for (const yes of [[], ['--yes']]) {
      const run = await runCli(['delete', 'nowhere.acmapi.test', '--out', out, '--json', ...yes]);
      expect(run.code).toBe(2);
      expect(parseJsonOutput(run)).toMatchObject({ status: 'error', name: 'nowhere.acmapi.test', exitCode: 2, error: { code: 'STORE_NOT_FOUND' } });
      expect(run.stderr).toContain('acmapi list');
    }
    const invalid = await runCli(['delete', '../here.acmapi.test', '--out', out, '--yes']);
    expect(invalid.code).toBe(2);
    expect(await listNames(out)).toEqual(['here.acmapi.test']);
  });
});
