/**
 * The entry of the single-file executable (scripts/build-sea.mjs): the program with every
 * command in one bundle, started by Node's single executable application support. Unlike
 * bin.ts it needs no files beside it: no programs/ folder, no code cache, no package.json.
 */
import { run } from './program.js';

// An error that escapes run() is a bug: the rejection ends the process with its stack, exit 1.
void run(process.argv).then((code) => {
  process.exitCode = code;
});
