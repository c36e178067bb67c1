/**
 * The CLI is run as users run it, from its build. turbo builds it before this package's tests
 * (`@acmapi/cli` is a dependency); run by hand, fail at once with what to do rather than
 * with a stale or missing binary halfway through.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const bin = fileURLToPath(new URL('../../cli/dist/bin.cjs', import.meta.url));
  try {
    statSync(bin);
  } catch {
    throw new Error(`The CLI is not built (${bin} is missing): run \`npx pnpm@12.4.2 exec turbo run build\` first.`);
  }
}
