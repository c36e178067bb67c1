// Writes the man page dist/man/acmapi.1 from the commands themselves (after tsc has built
// dist/): the same command tree that `acmapi completion` reads (src/completion/).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { loadCommandTree } = await import(resolve(root, 'dist/completion/command-tree.js'));
const { manPage } = await import(resolve(root, 'dist/completion/man-page.js'));
const { cliVersion } = await import(resolve(root, 'dist/version.js'));

// Building the commands reads no input and runs nothing; a context that is never used.
const ctx = {
  env: {},
  makeOutput: () => {
    throw new Error('build-man: a command tried to print while its tree was read');
  },
  exitCode: 0,
};
const file = resolve(root, 'dist/man/acmapi.1');
await mkdir(dirname(file), { recursive: true });
await writeFile(file, manPage(await loadCommandTree(ctx), { version: cliVersion() }));
