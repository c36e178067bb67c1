/**
 * A damaged certificate record through the built binary: a `state.json` overwritten with
 * garbage, or deleted beside the certificate's files. `list` shows each as damaged with what
 * to do, and every form of `renew` reports each as failed with `STORE_CORRUPT` (exit 7) after
 * still renewing the healthy certificates — from cron, a damaged record is never skipped, and
 * the metrics file counts it failed.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';

let world: World;
let ca: WorldSandbox;
let out: string;

// Short-lived certificates (600 s): 8 minutes ahead the healthy one is due.
const later = (): Record<string, string> => ({ ...ca.env, ACMAPI_NOW: new Date(Date.now() + 8 * 60_000).toISOString() });

function applies(domain: string): number {
  return ca.sandbox.requests.filter((r) => r.kind === 'apply' && r.domains?.includes(domain) === true).length;
}

interface Entry {
  name: string;
  state?: string;
  status?: string;
  exitCode?: number;
  error?: { code: string; message: string; hint?: string };
  damaged?: { code: string; path: string };
}

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox({ validitySeconds: 600 });
  out = join(world.temp.path, 'store');
  for (const name of ['good', 'garbage', 'lost']) {
    const run = await runCli(['issue', '-d', `${name}.acmapi.test`, '--name', name, '--out', out], ca.env);
    expect(run.code, run.stderr).toBe(0);
  }
  await writeFile(join(out, 'garbage', 'state.json'), 'garbage\n');
  await rm(join(out, 'lost', 'state.json'));
  // Folders holding nothing of a certificate are not ours: not listed, not reported.
  await mkdir(join(out, 'empty'));
  await mkdir(join(out, 'foreign'));
  await writeFile(join(out, 'foreign', 'README.txt'), 'not a certificate');
});

afterAll(async () => {
  await world.stop();
});

describe('a damaged certificate record', () => {
  it('list shows it damaged, with the state file to restore and the delete command', async () => {
    const run = await runCli(['list', '--json', '--out', out], ca.env);
    expect(run.code, run.stderr).toBe(0);
    const entries = parseJsonOutput(run)['certificates'] as Entry[];
    expect(entries.map((e) => [e.name, e.state, e.damaged?.code])).toEqual([
      ['garbage', 'failed', 'STORE_CORRUPT'],
      ['good', 'valid', undefined],
      ['lost', 'failed', 'STORE_CORRUPT'],
    ]);
    expect(entries[2]?.damaged?.path).toBe(join(out, 'lost', 'state.json'));

    const human = await runCli(['list', '--out', out], ca.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^lost\s+failed/m);
    expect(human.stdout).toContain(`lost: damaged: restore ${join(out, 'lost', 'state.json')} from a backup`);
    expect(human.stdout).toContain(`acmapi delete garbage --out ${out}`);
  });

  it('show reports it damaged (STORE_CORRUPT, exit 7) with what to do, as list does, not as unknown', async () => {
    for (const name of ['lost', 'garbage']) {
      const run = await runCli(['show', name, '--out', out, '--json'], ca.env);
      expect(run.code, run.stderr).toBe(7);
      const json = parseJsonOutput(run) as { error?: { code?: string; hint?: string } };
      expect(json.error?.code).toBe('STORE_CORRUPT');
      expect(json.error?.hint).toContain(`acmapi delete ${name}`);
    }
  });

  it('renew (all forms, --json and not) reports each damaged one as STORE_CORRUPT, exit 7, after renewing the healthy one', async () => {
    const before = applies('good.acmapi.test');
    const renewed = await runCli(['renew', '--out', out, '--json'], later());
    expect(renewed.code, renewed.stderr).toBe(7);
    const json = parseJsonOutput(renewed);
    expect(json).toMatchObject({ status: 'error', exitCode: 7 });
    const certificates = json['certificates'] as Entry[];
    expect(certificates.map((c) => [c.name, c.status, c.error?.code])).toEqual([
      ['garbage', 'error', 'STORE_CORRUPT'],
      ['good', 'issued', undefined],
      ['lost', 'error', 'STORE_CORRUPT'],
    ]);
    expect(certificates[2]?.error?.hint).toContain('acmapi delete lost');
    expect(applies('good.acmapi.test')).toBe(before + 1);

    // Counted as failed where an operator looks: the metrics file.
    const metrics = join(world.temp.path, 'acmapi.prom');
    const all = await runCli(['renew', '--all', '--out', out, '--metrics-file', metrics], ca.env);
    expect(all.code).toBe(7);
    const text = await readFile(metrics, 'utf8');
    for (const name of ['garbage', 'lost']) expect(text).toContain(`acmapi_certificate_last_attempt_result{certificate="${name}",result="failed"} 1`);
    expect(text).toContain('acmapi_certificate_last_attempt_result{certificate="good",result="not-due"} 1');
    expect(all.stdout).toContain('garbage: failed.');
    expect(all.stdout).toContain('lost: failed.');
    expect(all.stdout).not.toContain('No certificates to renew');

    for (const name of ['garbage', 'lost']) {
      const forced = await runCli(['renew', name, '--out', out, '--force', '--json'], ca.env);
      expect(forced.code, forced.stderr).toBe(7);
      expect(parseJsonOutput(forced)).toMatchObject({ status: 'error', exitCode: 7, certificates: [{ name, status: 'error', error: { code: 'STORE_CORRUPT' } }] });
    }
    // Nothing was applied for beside the untracked keys.
    expect(applies('lost.acmapi.test')).toBe(1);
    expect(applies('garbage.acmapi.test')).toBe(1);

    const dry = await runCli(['renew', '--dry-run', '--out', out, '--json'], ca.env);
    expect(dry.code).toBe(7);
    expect(parseJsonOutput(dry)).toMatchObject({ dryRun: true, exitCode: 7, certificates: [{ name: 'garbage', status: 'error' }, { name: 'good', action: 'skip' }, { name: 'lost', status: 'error' }] });
  });

  it('acmapi.json naming a damaged certificate: renew reports it rather than applying anew beside its keys', async () => {
    const project = join(world.temp.path, 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'acmapi.json'),
      JSON.stringify({ endpoint: ca.sandbox.url, customerId: ca.customerId, defaults: { storeDir: out }, certificates: [{ name: 'lost', domains: ['lost.acmapi.test'] }] }),
    );
    const run = await runCli(['renew', '--config', join(project, 'acmapi.json'), '--json'], { ACMAPI_AUTH_TOKEN: ca.token, ACMAPI_CA_FILE: ca.rootPath });
    expect(run.code, run.stderr).toBe(7);
    expect(parseJsonOutput(run)).toMatchObject({ certificates: [{ name: 'lost', status: 'error', error: { code: 'STORE_CORRUPT' } }] });
    expect(applies('lost.acmapi.test')).toBe(1);
  });

  it('once deleted, it is gone from list and renew succeeds', async () => {
    for (const name of ['garbage', 'lost']) expect((await runCli(['delete', name, '--yes', '--out', out], ca.env)).code).toBe(0);
    const run = await runCli(['list', '--json', '--out', out], ca.env);
    expect((parseJsonOutput(run)['certificates'] as Entry[]).map((e) => e.name)).toEqual(['good']);
    expect((await runCli(['renew', '--out', out], ca.env)).code).toBe(0);
  });
});
