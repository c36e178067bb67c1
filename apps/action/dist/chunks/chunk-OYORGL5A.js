import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);

// src/commit/git-data.ts
var RefMovedError = class extends Error {
  name = "RefMovedError";
};

export {
  RefMovedError
};
