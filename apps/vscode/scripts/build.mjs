// Bundles the extension into one CommonJS file, dist/extension.cjs (`main` in package.json):
// core and its dependencies inside, `vscode` external (the extension host provides it).
// Also copies core's JSON Schema for acmapi.json, which the extension contributes to editors,
// and writes dist/THIRD_PARTY_NOTICES.md, the licences and notices of the packages the bundle
// holds (scripts/third-party-notices.mjs), which the .vsix carries (.vscodeignore).
// Usage: node scripts/build.mjs [OUTDIR] [--metafile FILE]   (OUTDIR: dist/ unless given; the
// metafile, which test/third-party-notices.test.mjs checks the notices against, outside it)
import { build } from 'esbuild';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thirdPartyNotices } from '../../../scripts/third-party-notices.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const metafileAt = args.indexOf('--metafile');
const metafile = metafileAt === -1 ? undefined : resolve(process.cwd(), args[metafileAt + 1] ?? 'meta.json');
const outdir = args[0] !== undefined && args[0] !== '--metafile' ? resolve(process.cwd(), args[0]) : resolve(root, 'dist');
const require = createRequire(import.meta.url);

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/extension.ts'],
  outfile: resolve(outdir, 'extension.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.138's extension host runs Node 22.
  target: 'node22',
  external: ['vscode'],
  // jsonc-parser's `main` is a UMD build whose require('./impl/format') esbuild cannot follow
  // (the bundle then fails to load): its ES module build bundles cleanly.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  sourcemap: false,
  minify: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
});
await copyFile(require.resolve('@acmapi/core/schema/acmapi.schema.json', { paths: [root] }), resolve(outdir, 'acmapi.schema.json'));
await writeFile(resolve(outdir, 'THIRD_PARTY_NOTICES.md'), thirdPartyNotices('The acmapi extension for VS Code', [{ metafile: result.metafile, absWorkingDir: root }]));
if (metafile !== undefined) await writeFile(metafile, JSON.stringify(result.metafile));
