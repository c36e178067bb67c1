// .ci/run's last line comes from scripts/sum-test-results.mjs: every vitest report and every
// check of ci-checks.json (lint, typecheck, dist, packages). The script runs here on a
// repository layout of the test's own (a copy of the script, so it reads that layout).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root } from '../scripts/lib/pack.mjs';

let temp;
afterEach(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

function report(passed, failed, skipped = 0) {
  return JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numTodoTests: 0, testResults: [] });
}

/** A repository with one package (tests: 5 passed) and the root's own report (2 passed); null leaves a report out. */
function layout({ checks, rootReport = report(2, 0), packageReport = report(5, 0) }) {
  temp = mkdtempSync(join(tmpdir(), 'acmapi-ci-summary-'));
  mkdirSync(join(temp, 'scripts'));
  copyFileSync(join(root, 'scripts/sum-test-results.mjs'), join(temp, 'scripts/sum-test-results.mjs'));
  mkdirSync(join(temp, 'packages', 'one'), { recursive: true });
  writeFileSync(join(temp, 'packages', 'one', 'package.json'), JSON.stringify({ name: 'one', scripts: { test: 'vitest run' } }));
  if (packageReport !== null) writeFileSync(join(temp, 'packages', 'one', 'test-results.json'), packageReport);
  if (rootReport !== null) writeFileSync(join(temp, 'test-results.json'), rootReport);
  if (checks !== undefined) writeFileSync(join(temp, 'ci-checks.json'), JSON.stringify(checks));
  const result = spawnSync(process.execPath, [join(temp, 'scripts/sum-test-results.mjs')], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const passing = [
  { name: 'lint', ok: true },
  { name: 'typecheck', ok: true },
  { name: 'action dist is up to date', ok: true },
];

describe('.ci/run summary (scripts/sum-test-results.mjs)', () => {
  it('all green: one line "N passed, 0 failed" on stdout, exit 0 (checks count as results)', () => {
    const result = layout({ checks: passing });
    expect(result.stdout).toBe('10 passed, 0 failed\n');
    expect(result.status).toBe(0);
  });

  it('a failed lint, typecheck or dist check fails the run and counts in the line', () => {
    for (const name of ['lint', 'typecheck', 'action dist is up to date']) {
      const result = layout({ checks: passing.map((check) => (check.name === name ? { ...check, ok: false } : check)) });
      expect(result.stdout).toBe('9 passed, 1 failed\n');
      expect(result.stderr).toContain(`check ${name}: FAILED`);
      expect(result.status).toBe(1);
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('a skipped test is a failure, and the line stays exactly "N passed, N failed"', () => {
    const result = layout({ checks: passing, packageReport: report(5, 0, 1) });
    expect(result.stdout).toBe('10 passed, 1 failed\n');
    expect(result.status).toBe(1);
  });

  it('a missing report (the repository’s or a package’s) is a failure', () => {
    expect(layout({ checks: passing, rootReport: null }).stdout).toBe('8 passed, 1 failed\n');
    rmSync(temp, { recursive: true, force: true });
    expect(layout({ checks: passing, packageReport: null }).stdout).toBe('5 passed, 1 failed\n');
  });

  it('.ci/run runs the checks, then the README\'s test command, and the summary last', () => {
    const script = readFileSync(join(root, '.ci/run'), 'utf8');
    expect(script).toMatch(/node scripts\/bootstrap\.mjs checks\n/);
    expect(script).toMatch(/^npm test$/m);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('npm test');
    expect(script.indexOf('bootstrap.mjs checks')).toBeLessThan(script.indexOf('npm test'));
    expect(script.indexOf('npm test')).toBeLessThan(script.indexOf('sum-test-results.mjs'));
    const bootstrap = readFileSync(join(root, 'scripts/bootstrap.mjs'), 'utf8');
    for (const step of ["'lint'", "'typecheck'", 'check-dist.mjs', 'check-packages.mjs']) expect(bootstrap).toContain(step);
  });
});
