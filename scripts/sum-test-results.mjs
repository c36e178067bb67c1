#!/usr/bin/env node
// Adds up every package's vitest JSON report (test-results.json) and prints
// "N passed, N failed" as the last line. A test file that failed to load counts as
// one failure; a package whose test script exists but left no report counts as one
// failure too, so a crashed suite can never read as green.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let passed = 0;
let failed = 0;
let skipped = 0;

// Every workspace package: packages/*, apps/* and examples (pnpm-workspace.yaml).
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
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) {
      console.error(`${pkg.name}: ${file.name} failed to run: ${String(file.message).split('\n')[0]}`);
      failed += 1;
    }
  }
  console.error(`${pkg.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}

console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
