'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with --require. */
// Test preload (NODE_OPTIONS=--require): at exit, writes the built-in modules the process
// loaded, one per line, to the file named by ACMAPI_TEST_BUILTINS_FILE, and the files it
// loaded through require() (absolute paths) to ACMAPI_TEST_REQUIRED_FILE when that is set.
// Not shipped.
const { writeFileSync } = require('node:fs');
const file = process.env.ACMAPI_TEST_BUILTINS_FILE;
const requiredFile = process.env.ACMAPI_TEST_REQUIRED_FILE;
process.on('exit', () => {
  const names = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  writeFileSync(file, `${names.join('\n')}\n`);
  if (requiredFile !== undefined) writeFileSync(requiredFile, `${Object.keys(require.cache).join('\n')}\n`);
});
