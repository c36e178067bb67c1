import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{f as i}from"./chunk-FR34IOBY.js";import"./chunk-CIMQLZ35.js";import"./chunk-7WYD5SX5.js";import"./chunk-3MU7O5JS.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
