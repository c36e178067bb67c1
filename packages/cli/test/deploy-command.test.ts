/**
 * Deployment end to end through the built command: install targets and hooks given to
 * `issue`, remembered and used by `renew` (core's runFleet), `renew --quiet` and `--json`
 * outcomes, exit code 10 for a failing deploy hook, a cleared hook, `--notify-url` never
 * printed. The sandbox issues 10-minute certificates; `ACMAPI_NOW` makes them due.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { NO_SIGNFILE_DOMAIN, startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';

let world: World;
let ca: WorldSandbox;
const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox({ validitySeconds: 600 });
});

afterAll(async () => {
  await world.stop();
});

/** A deploy hook appending `deploy NAME NOT_AFTER` to `log`. */
function logHook(log: string): string {
  return `echo "$ACMAPI_HOOK $ACMAPI_CERTIFICATE $ACMAPI_NOT_AFTER" >> '${log}'`;
}

async function lines(log: string): Promise<string[]> {
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
}

interface RenewEntry {
  status: string;
  name: string;
  outcome: string;
  exitCode: number;
  error?: { code: string };
  deploy?: { written: string[]; unchanged: string[]; hook?: { ok: boolean; exitCode: number | null } };
}

describe('deployment: install targets and hooks', () => {
  it('renew exit 0 no longer hides whether something changed: the deploy hook runs only when a certificate went live', async () => {
    const out = join(world.temp.path, 'store-deploy');
    const target = join(world.temp.path, 'www');
    const log = join(world.temp.path, 'deploy.log');
    const domain = 'deploy.acmapi.test';
    await mkdir(target, { recursive: true });
    const install = ['--install-fullchain', join(target, 'fullchain.pem'), '--install-key', join(target, 'key.pem'), '--install-mode', '640'];
    const prepost = join(world.temp.path, 'prepost.log');
    const around = ['--pre-hook', `echo pre >> '${prepost}'`, '--post-hook', `echo post >> '${prepost}'`];
    const issued = await runCli(['issue', '-d', domain, '--out', out, ...install, ...around, '--deploy-hook', logHook(log), '--json'], ca.env);
    expect(issued.code, issued.stderr).toBe(0);
    expect(parseJsonOutput(issued)).toMatchObject({ status: 'issued', deploy: { written: [join(target, 'key.pem'), join(target, 'fullchain.pem')], hook: { ok: true, exitCode: 0 } } });
    expect(await lines(log)).toHaveLength(1);
    expect(await lines(prepost)).toStrictEqual(['pre', 'post']);
    const dir = join(out, domain);
    expect(await readFile(join(target, 'fullchain.pem'), 'utf8')).toBe(await readFile(join(dir, 'fullchain.pem'), 'utf8'));
    expect((await stat(join(target, 'key.pem'))).mode & 0o777).toBe(0o640);

    // Nothing due: exit 0, no hook, no file changed; --quiet prints nothing at all.
    const mtimes = async (): Promise<number[]> => Promise.all(['fullchain.pem', 'key.pem'].map(async (f) => (await stat(join(target, f))).mtimeMs));
    const before = await mtimes();
    const quiet = await runCli(['renew', '--out', out, '--quiet'], ca.env);
    expect(quiet).toStrictEqual({ code: 0, stdout: '', stderr: '' });
    const notDue = await runCli(['renew', '--out', out, '--json'], ca.env);
    expect(notDue.code).toBe(0);
    expect((parseJsonOutput(notDue)['certificates'] as RenewEntry[]).map((c) => [c.name, c.outcome, c.status])).toStrictEqual([[domain, 'not-due', 'not-due']]);
    expect(await lines(log)).toHaveLength(1);
    expect(await lines(prepost)).toStrictEqual(['pre', 'post']);
    expect(await mtimes()).toStrictEqual(before);

    // Due (ACMAPI_NOW 8 minutes on): renewed with the remembered targets and hook, which runs once.
    const renewed = await runCli(['renew', '--out', out, '--json', '--quiet'], { ...ca.env, ACMAPI_NOW: inMinutes(8) });
    expect(renewed.code, renewed.stderr).toBe(0);
    const [entry] = parseJsonOutput(renewed)['certificates'] as RenewEntry[];
    expect(entry).toMatchObject({ status: 'issued', outcome: 'renewed', exitCode: 0, deploy: { hook: { ok: true } } });
    expect(await lines(log)).toHaveLength(2);
    expect(await lines(prepost)).toStrictEqual(['pre', 'post', 'pre', 'post']);
    expect(await readFile(join(target, 'fullchain.pem'), 'utf8')).toBe(await readFile(join(dir, 'fullchain.pem'), 'utf8'));
    expect(await readFile(join(target, 'key.pem'), 'utf8')).toBe(await readFile(join(dir, 'privkey.pem'), 'utf8'));

    // show prints the remembered targets and hook.
    const shown = await runCli(['show', domain, '--out', out], {});
    expect(shown.stdout).toContain(join(target, 'fullchain.pem'));
    expect(shown.stdout).toContain(logHook(log));
    expect(shown.stdout).toContain('Install mode: 640');
  });

  it('a failing deploy hook is exit 10 with outcome failed, the certificate stays live; --deploy-hook \'\' forgets the hook', async () => {
    const out = join(world.temp.path, 'store-failing');
    const domain = 'failing.acmapi.test';
    const issued = await runCli(['issue', '-d', domain, '--out', out, '--deploy-hook', 'echo nope >&2; exit 4', '--json'], ca.env);
    expect(issued.code).toBe(10);
    expect(parseJsonOutput(issued)).toMatchObject({ status: 'issued', exitCode: 10, deploy: { hook: { ok: false, exitCode: 4 }, error: { code: 'DEPLOY_HOOK_FAILED' } } });
    expect(issued.stderr).toContain('nope');
    expect((parseJsonOutput(await runCli(['list', '--json', '--out', out], {}))['certificates'] as { state: string }[])[0]?.state).toBe('valid');

    const later = { ...ca.env, ACMAPI_NOW: inMinutes(8) };
    const renewed = await runCli(['renew', '--out', out, '--json'], later);
    expect(renewed.code).toBe(10);
    expect(parseJsonOutput(renewed)).toMatchObject({ status: 'error', exitCode: 10, certificates: [{ outcome: 'failed', status: 'issued', error: { code: 'DEPLOY_HOOK_FAILED' } }] });

    const cleared = await runCli(['renew', '--out', out, '--deploy-hook', '', '--force', '--json'], later);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(parseJsonOutput(cleared)).toMatchObject({ certificates: [{ outcome: 'renewed' }] });
    const shown = parseJsonOutput(await runCli(['show', domain, '--out', out, '--json'], {}));
    expect((shown['settings'] as { hooks?: unknown }).hooks).toBeUndefined();
  });

  it('renew --json says failed with the code, runs the failure hook, and never prints the --notify-url', async () => {
    const out = join(world.temp.path, 'store-down');
    const log = join(world.temp.path, 'failure.log');
    const first = await runCli(['issue', '-d', NO_SIGNFILE_DOMAIN, '--out', out, '--failure-hook', `echo "$ACMAPI_ERROR_CODE" >> '${log}'`], ca.env);
    expect(first.code).toBe(4);
    expect(await lines(log)).toStrictEqual(['CA_DOMAIN_VERIFY_FAILED']);
    const secret = 'T000/B000/XXXXsecretXXXX';
    const renewed = await runCli(['renew', '--out', out, '--force', '--json', '--notify-url', `http://127.0.0.1:1/services/${secret}`], ca.env);
    expect(renewed.code).toBe(4);
    const json = parseJsonOutput(renewed);
    expect(json).toMatchObject({ certificates: [{ outcome: 'failed', error: { code: 'CA_DOMAIN_VERIFY_FAILED' } }], reportErrors: [{ code: expect.stringMatching(/^NOTIFY_/) as unknown }] });
    expect(renewed.stdout + renewed.stderr).not.toContain(secret);
    expect(await lines(log)).toStrictEqual(['CA_DOMAIN_VERIFY_FAILED', 'CA_DOMAIN_VERIFY_FAILED']);
    // The failed entry carries the backoff the store recorded for it, as show does.
    const shown = await runCli(['show', NO_SIGNFILE_DOMAIN, '--out', out, '--json'], {});
    // show --json prints only its JSON, like list --json: nothing on stderr.
    expect(shown.stderr).toBe('');
    const failures = parseJsonOutput(shown)['failures'] as { count: number; nextAttemptAt: string };
    expect(failures.count).toBe(2);
    expect(json['certificates']).toMatchObject([{ outcome: 'failed', failures: 2, nextAttemptAt: failures.nextAttemptAt }]);
    // Without --force the backoff holds it: skipped-by-backoff, exit 5.
    const skipped = await runCli(['renew', '--out', out, '--json'], ca.env);
    expect(skipped.code).toBe(5);
    expect(parseJsonOutput(skipped)).toMatchObject({ certificates: [{ outcome: 'skipped-by-backoff', status: 'skipped-by-backoff' }] });
    // The human text points at --retry-now, which keeps a pending application; --force would abandon it.
    const human = await runCli(['renew', '--out', out], ca.env);
    expect(human.stdout).toContain('(backoff). To try now, add --retry-now.');
    expect(human.stdout + human.stderr).not.toContain('add --force');
  });

  it('renew takes the notification URL from ACMAPI_NOTIFY_URL (kept out of argv) and never prints it', async () => {
    const out = join(world.temp.path, 'store-down-env');
    expect((await runCli(['issue', '-d', NO_SIGNFILE_DOMAIN, '--out', out], ca.env)).code).toBe(4);
    const secret = 'T000/B000/YYYYenvsecretYYYY';
    const renewed = await runCli(['renew', '--out', out, '--force', '--json'], { ...ca.env, ACMAPI_NOTIFY_URL: `http://127.0.0.1:1/services/${secret}` });
    expect(renewed.code).toBe(4);
    expect(parseJsonOutput(renewed)).toMatchObject({ certificates: [{ outcome: 'failed' }], reportErrors: [{ code: expect.stringMatching(/^NOTIFY_/) as unknown }] });
    expect(renewed.stdout + renewed.stderr).not.toContain(secret);
    const bad = await runCli(['renew', '--out', out, '--json'], { ...ca.env, ACMAPI_NOTIFY_URL: 'ftp://x/envsecret' });
    expect(bad.code).toBe(2);
    expect(parseJsonOutput(bad)).toMatchObject({ error: { code: 'USAGE_NOTIFY_URL' } });
    expect(bad.stdout + bad.stderr).not.toContain('envsecret');
  });

  it('refuses a bad --install-mode and a --notify-url that is not http(s)', async () => {
    const mode = await runCli(['renew', '--out', join(world.temp.path, 'none'), '--install-mode', '999', '--json'], {});
    expect(mode.code).toBe(2);
    expect(parseJsonOutput(mode)).toMatchObject({ error: { code: 'USAGE_INSTALL_MODE' } });
    const url = await runCli(['renew', '--out', join(world.temp.path, 'none'), '--notify-url', 'ftp://x/secret', '--json'], {});
    expect(url.code).toBe(2);
    expect(url.stdout + url.stderr).not.toContain('secret');
  });
});
