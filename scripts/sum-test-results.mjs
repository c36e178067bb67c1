#!/usr/bin/env node
// Adds up every package's vitest JSON report (test-results.json) and prints
// "N passed, N failed" as the last line. A test file that failed to load counts as
// one failure; a package whose test script exists but left no report counts as one
// failure too, so a crashed suite can never read as green. The repository's own tests
// (vitest.repo.config.mjs) leave test-results.json at the root; `.ci/run`'s other checks
// (lint, typecheck, dist, packages) leave ci-checks.json, each check counted as one result.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let passed = 0;
let failed = 0;
let skipped = 0;

/** @param {string} label @param {string} reportFile */
function addReport(label, reportFile) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) {
      console.error(`${label}: ${file.name} failed to run: ${String(file.message).split('\n')[0]}`);
      failed += 1;
    }
  }
  console.error(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}

const checksFile = join(root, 'ci-checks.json');
if (existsSync(checksFile)) {
  for (const check of JSON.parse(readFileSync(checksFile, 'utf8'))) {
    if (check.ok) passed += 1;
    else failed += 1;
    console.error(`check ${check.name}: ${check.ok ? 'passed' : 'FAILED'}`);
  }
}

const rootReport = join(root, 'test-results.json');
if (existsSync(rootReport)) addReport('repository', rootReport);
else {
  console.error('repository: no test report (vitest.repo.config.mjs did not run or crashed)');
  failed += 1;
}

// Every workspace package with a test script: packages/*, apps/* and examples (pnpm-workspace.yaml).
const packageDirs = ['packages', 'apps'].flatMap((base) => (existsSync(join(root, base)) ? readdirSync(join(root, base)).map((name) => join(root, base, name)) : []));
packageDirs.push(join(root, 'examples'));
for (const pkgDir of packageDirs) {
  const pkgFile = join(pkgDir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (!pkg.scripts?.test) continue;
  const reportFile = join(pkgDir, 'test-results.json');
  if (!existsSync(reportFile)) {
    console.error(`${pkg.name}: no test report (the suite did not run or crashed)`);
    failed += 1;
    continue;
  }
  addReport(pkg.name, reportFile);
}

// A skipped or todo test is not a pass: it counts as a failure, and the last line stays exactly
// "N passed, N failed".
if (skipped > 0) console.error(`${skipped} skipped or todo tests (counted as failed: the project allows none)`);
failed += skipped;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
