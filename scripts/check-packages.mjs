#!/usr/bin/env node
// A CI step (.ci/run, the workflow): the packages as npm would get them carry README.md,
// CHANGELOG.md and LICENSE, and pass publint (strict: warnings fail) and arethetypeswrong
// (profile esm-only: the packages are ES modules, and CommonJS consumers load them through
// require(esm), which the engines floor guarantees).
// Build first. Exit 1 when any check fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUIRED_FILES, packPackages, root, tarballFiles } from './lib/pack.mjs';

const bin = (name) => join(root, 'node_modules', '.bin', name);
const temp = mkdtempSync(join(tmpdir(), 'acmapi-check-packages-'));
let failed = 0;
try {
  for (const pkg of packPackages(temp)) {
    const missing = REQUIRED_FILES.filter((file) => !tarballFiles(pkg.tarball).includes(file));
    if (missing.length > 0) failed += 1;
    console.error(`${pkg.name}: ${missing.length === 0 ? `carries ${REQUIRED_FILES.map((file) => file.slice('package/'.length)).join(', ')}` : `FAILED: the tarball lacks ${missing.join(', ')}`}`);
    for (const [tool, args] of [
      ['publint', ['run', '--strict', pkg.tarball]],
      ['attw', ['--profile', 'esm-only', '--format', 'table-flipped', '--no-emoji', '--no-color', pkg.tarball]],
    ]) {
      const result = spawnSync(bin(tool), args, { cwd: root, encoding: 'utf8' });
      const ok = result.status === 0;
      if (!ok) failed += 1;
      console.error(`${pkg.name}: ${tool} ${ok ? 'clean' : `FAILED (exit ${result.status})`}`);
      if (!ok) process.stderr.write(`${result.stdout}${result.stderr}\n`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
