'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with --require. */
// Test preload (NODE_OPTIONS=--require): at exit, writes the built-in modules the process
// loaded, one per line, to the file named by ACMAPI_TEST_BUILTINS_FILE. Not shipped.
const { writeFileSync } = require('node:fs');
const file = process.env.ACMAPI_TEST_BUILTINS_FILE;
process.on('exit', () => {
  const names = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
  writeFileSync(file, `${names.join('\n')}\n`);
});
