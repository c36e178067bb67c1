// Fails when the committed dist/ or THIRD_PARTY_NOTICES.md differs from a fresh build (the
// Action runs dist/, not src/; the notices say what dist/ holds).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fresh = await mkdtemp(join(tmpdir(), 'acmapi-action-dist-'));
try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), join(fresh, 'dist'), '--notices', join(fresh, 'THIRD_PARTY_NOTICES.md')], { stdio: 'inherit' });
  const list = async (dir) => (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
  const names = new Set([...(await list(join(fresh, 'dist'))), ...(await list(join(root, 'dist')))].map((name) => join('dist', name)));
  const differing = [];
  for (const name of [...names, 'THIRD_PARTY_NOTICES.md'].sort()) {
    const a = await readFile(join(fresh, name)).catch(() => undefined);
    const b = await readFile(join(root, name)).catch(() => undefined);
    if (a === undefined || b === undefined || !a.equals(b)) differing.push(name);
  }
  if (differing.length > 0) {
    console.error(`apps/action differs from a fresh build: ${differing.join(', ')}.`);
    console.error('Run `pnpm --filter @acmapi/action build` and commit apps/action/dist and apps/action/THIRD_PARTY_NOTICES.md.');
    process.exitCode = 1;
  } else {
    console.log('apps/action/dist and THIRD_PARTY_NOTICES.md match a fresh build.');
  }
} finally {
  await rm(fresh, { recursive: true, force: true });
}
