import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-GN7RW36Y.js";import"./chunk-W3POLCWN.js";import"./chunk-F2UFFXKP.js";import"./chunk-X2ZSHJRH.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
