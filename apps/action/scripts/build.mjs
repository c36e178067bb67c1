// Bundles the Action into `OUTDIR/index.js` (the file `action.yml` runs) and the chunks it
// loads on demand under `OUTDIR/chunks/`.
// Usage: node scripts/build.mjs OUTDIR [--metafile FILE] [--notices FILE]   (the committed
// bundle is `dist/`; the metafile, for `esbuild --analyze`-style reports, is written outside it).
// --notices: the bundled packages' licences and notices (scripts/third-party-notices.mjs),
// committed as THIRD_PARTY_NOTICES.md beside dist/, not in it (dist/ has a size budget);
// scripts/action-repository.mjs puts it at the distribution repository's root.
import { build } from 'esbuild';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thirdPartyNotices } from '../../../scripts/third-party-notices.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outdir = resolve(root, args[0] ?? 'dist');
const metafileAt = args.indexOf('--metafile');
const metafile = metafileAt === -1 ? undefined : resolve(process.cwd(), args[metafileAt + 1] ?? 'meta.json');
const noticesAt = args.indexOf('--notices');
const notices = noticesAt === -1 ? undefined : resolve(process.cwd(), args[noticesAt + 1] ?? 'THIRD_PARTY_NOTICES.md');

// @actions/core, and the packages its unused parts pull in, declare no `sideEffects`, so esbuild
// keeps every module they import: the OIDC client with undici and @actions/exec would load at
// start for the five functions the Action uses. Their modules only declare functions, classes
// and constants, so they are marked free of side effects and what is unused is left out.
const ACTIONS_TOOLKIT = /[\\/]node_modules[\\/]@actions[\\/](?:core|exec|io|http-client)[\\/]/;
const toolkitWithoutSideEffects = {
  name: 'actions-toolkit-without-side-effects',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, async (resolveArgs) => {
      if (resolveArgs.pluginData === 'resolving' || resolveArgs.kind === 'entry-point') return undefined;
      const result = await pluginBuild.resolve(resolveArgs.path, {
        kind: resolveArgs.kind,
        importer: resolveArgs.importer,
        resolveDir: resolveArgs.resolveDir,
        with: resolveArgs.with,
        pluginData: 'resolving',
      });
      if (result.errors.length > 0 || !ACTIONS_TOOLKIT.test(result.path)) return result;
      return { ...result, sideEffects: false };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  outdir,
  // The CA client and the lifecycle load once the inputs parse; @actions/artifact and
  // @actions/github only for output artifact/commit; the acmapi.json reader (core's schema,
  // zod) only with the config input. See README "Development".
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  // Stable output: no absolute paths, no timestamps, so check-dist can compare byte for byte.
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [toolkitWithoutSideEffects],
  // Some CommonJS dependencies of @actions/* call require() for Node built-ins.
  banner: { js: "import { createRequire as __acmapiCreateRequire } from 'node:module';\nconst require = __acmapiCreateRequire(import.meta.url);" },
});
if (metafile !== undefined) await writeFile(metafile, JSON.stringify(result.metafile));
if (notices !== undefined) await writeFile(notices, thirdPartyNotices('The acmapi GitHub Action', [{ metafile: result.metafile, absWorkingDir: root }]));
