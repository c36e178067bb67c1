import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
var e=class extends Error{name="RefMovedError"};export{e as a};
