import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CronExpressionParser, CronFileParser } from 'cron-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseCronTimes, CRON_PATH, nextCronRun, parseCronTimes, renderCronFile, shellQuote } from './cron-entry.js';
import { renewInvocation } from './renew-invocation.js';

/** `value`, failing the test when it is undefined. */
function defined<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const dir = mkdtempSync(join(tmpdir(), 'acmapi-cron-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const invocation = renewInvocation({ node: '/usr/bin/node', acmapi: '/usr/lib/acmapi/bin.cjs', out: '/etc/acmapi' });

const HOUR = 3_600_000;

describe('renderCronFile', () => {
  it.each([
    [0, 0],
    [0.5, 0.5],
    [0.9999999, 0.9999999],
  ])('writes a cron.d file that cron-parser reads as one job firing twice a day, 12 hours apart (random %s, %s)', (a, b) => {
    const draws = [a, b];
    const times = chooseCronTimes(() => draws.shift() ?? 0);
    const file = join(dir, `acmapi-${a}`);
    writeFileSync(file, renderCronFile({ invocation, times }));

    const parsed = CronFileParser.parseFileSync(file);
    expect(parsed.errors).toEqual({});
    expect(parsed.variables).toMatchObject({ SHELL: '/bin/sh', PATH: CRON_PATH });
    expect(parsed.expressions).toHaveLength(1);
    const job = defined(parsed.expressions[0]);
    job.reset(new Date(2029, 11, 31, 23, 59, 59));
    const runs = Array.from({ length: 8 }, () => job.next().getTime());
    // Four days, two runs a day, every gap 12 hours.
    expect(runs.filter((t) => t < new Date(2030, 0, 5).getTime())).toHaveLength(8);
    expect(runs.slice(1).map((t, i) => t - defined(runs[i]))).toEqual(Array.from({ length: 7 }, () => 12 * HOUR));
    expect(new Date(defined(runs[0])).getMinutes()).toBe(times.minute);
    expect(new Date(defined(runs[0])).getHours()).toBe(times.hour);
  });

  it('puts the user field before the command (root by default, --user otherwise)', () => {
    expect(renderCronFile({ invocation, times: { minute: 7, hour: 3 } })).toMatch(/^7 3,15 \* \* \* root test -x '\/usr\/bin\/node' && /m);
    expect(renderCronFile({ invocation, times: { minute: 7, hour: 3 }, user: 'acmapi' })).toMatch(/^7 3,15 \* \* \* acmapi test -x /m);
    expect(() => renderCronFile({ invocation, times: { minute: 7, hour: 3 }, user: 'root * * * *' })).toThrow(/not a user name/);
  });

  it('refuses a command longer than cron reads', () => {
    const long = renewInvocation({ node: '/usr/bin/node', acmapi: `/${'a'.repeat(990)}/bin.cjs` });
    expect(() => renderCronFile({ invocation: long, times: { minute: 0, hour: 0 } })).toThrow(/cron reads at most/);
  });

  it('refuses a backslash right before a percent sign, which cron would misread', () => {
    const bad = renewInvocation({ node: '/usr/bin/node', acmapi: '/opt/a\\%b/bin.cjs' });
    expect(() => renderCronFile({ invocation: bad, times: { minute: 0, hour: 0 } })).toThrow(/cannot carry/);
  });

  it('escapes every % of the command for cron, and only there', () => {
    const text = renderCronFile({ invocation: renewInvocation({ node: '/usr/bin/node', acmapi: '/opt/100%/bin.cjs' }), times: { minute: 1, hour: 2 } });
    const job = defined(text.split('\n').find((line) => line.startsWith('1 ')));
    expect(job).toContain("'/opt/100\\%/bin.cjs'");
    expect(job.replaceAll('\\%', '')).not.toContain('%');
  });
});

describe('shellQuote', () => {
  it.each(["plain", "with space", "it's", "'", "$HOME `id` $(id) \\ \" ; & | * ?", "100%", ""])('/bin/sh reads %j back as itself', (value) => {
    const echoed = execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
    expect(echoed).toBe(value);
  });
});

describe('parseCronTimes and nextCronRun', () => {
  it('reads back the times it wrote, and no times from an edited line', () => {
    const text = renderCronFile({ invocation, times: { minute: 42, hour: 11 } });
    expect(parseCronTimes(text)).toEqual({ minute: 42, hour: 11 });
    expect(parseCronTimes(text.replace('42 11,23', '42 11,22'))).toBeUndefined();
    expect(parseCronTimes(text.replace('42 11,23', '*/5 * '))).toBeUndefined();
  });

  it.each([
    [new Date(2031, 5, 15, 0, 0, 0)],
    [new Date(2031, 5, 15, 3, 7, 0)],
    [new Date(2031, 5, 15, 3, 7, 30)],
    [new Date(2031, 5, 15, 14, 59, 59)],
    [new Date(2031, 11, 31, 23, 59, 0)],
  ])('agrees with cron-parser on the next run after %s', (now) => {
    for (const times of [{ minute: 7, hour: 3 }, { minute: 0, hour: 0 }, { minute: 59, hour: 11 }]) {
      const expected = CronExpressionParser.parse(`${times.minute} ${times.hour},${times.hour + 12} * * *`, { currentDate: now }).next().toDate();
      expect(nextCronRun(times, now).getTime(), JSON.stringify(times)).toBe(expected.getTime());
    }
  });
});
