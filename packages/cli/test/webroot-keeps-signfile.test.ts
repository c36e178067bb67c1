/**
 * Issue 10, regression of the third defect, end to end: `acmapi issue --webroot` (and the
 * `renew` after it) removed a signfile that was already in the webroot, which many platforms
 * keep there permanently (it is the same file for every domain). The unit test beside
 * `deploy-webroot.ts` pins the rule; this one runs the command against the REAL nginx that
 * serves that webroot.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';
import { SIGNFILE, startWorld } from './fixtures.js';
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

describe('--webroot and a signfile kept in the webroot', () => {
  it('issue --webroot keeps a signfile that was already in the webroot', async () => {
    // The world's nginx serves this webroot, which holds the platform's signfile for good.
    const webroot = join(world.temp.path, 'webroot');
    const kept = join(webroot, '.well-known', 'pki-validation', SIGNFILE.name);
    const bytes = await readFile(kept);
    const identity = async (): Promise<[number, number, number]> => {
      const s = await stat(kept);
      return [s.ino, s.mode, s.mtimeMs];
    };
    const before = await identity();
    const signfile = join(world.temp.path, 'signfile-kept.txt');
    await writeFile(signfile, bytes);
    const store = join(world.temp.path, 'kept-store');

    const issued = await runCli(['issue', '-d', 'kept.acmapi.test', '--webroot', webroot, '--signfile', signfile, '--preflight', 'off', '--out', store], ca.env);
    expect(issued.code, issued.stderr).toBe(0);
    expect(issued.stderr).toContain(`The signfile at ${kept} already holds this content; it is used as it is and stays.`);
    expect(await readFile(kept)).toEqual(bytes);
    expect(await identity()).toEqual(before);

    // The renewal from cron uses the remembered placement, and keeps it too.
    const renewed = await runCli(['renew', '--force', '--out', store], ca.env);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(await readFile(kept)).toEqual(bytes);
    expect(await identity()).toEqual(before);
    expect(ca.sandbox.requests.filter((r) => r.kind === 'apply').map((r) => r.status)).toEqual([0, 0]);
  });
});
