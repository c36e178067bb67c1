/** Builds dist/ before the suites run, so they never test a stale build of the CLI: tsc, then the bundled command (scripts/bundle-bin.mjs) and the man page (scripts/build-man.mjs). */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle-bin.mjs'], { cwd, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-man.mjs'], { cwd, stdio: 'inherit' });
}
