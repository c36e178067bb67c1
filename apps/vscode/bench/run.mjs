// pnpm bench (vscode): the extension's activation time, measured in the last end-to-end run
// (from activate() to the view's model ready, as the extension logs it), as a ratio to the
// time code-server took to show the workbench in the same run; and the sizes of the bundle
// and of the .vsix (packaged here, as `pnpm run package` does).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportRatio } from '../../../scripts/bench-report.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const activationFile = `${root}test-results/activation.json`;
const bundle = `${root}dist/extension.cjs`;
const vsix = `${root}dist/acmapi-vscode.vsix`;

if (existsSync(activationFile)) {
  const { activationMs, workbenchMs, at } = JSON.parse(readFileSync(activationFile, 'utf8'));
  reportRatio(`vscode extension activation (activate() to tree model ready) vs workbench load in code-server, e2e run of ${at}`, { mean: activationMs }, { mean: workbenchMs });
} else {
  console.log('vscode extension activation: no end-to-end run yet (pnpm --filter acmapi-vscode test writes test-results/activation.json)');
}

if (!existsSync(bundle)) {
  const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const packaged = spawnSync(`${root}node_modules/.bin/vsce`, ['package', '--no-dependencies', '--out', vsix], { cwd: root, encoding: 'utf8' });
if (packaged.status !== 0) {
  console.error(packaged.stdout, packaged.stderr);
  process.exit(packaged.status ?? 1);
}
const kib = (path) => (statSync(path).size / 1024).toFixed(0);
console.log(`vscode extension: dist/extension.cjs ${kib(bundle)} KiB (minified, core inside); acmapi-vscode.vsix ${kib(vsix)} KiB`);
