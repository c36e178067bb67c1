import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{f as i}from"./chunk-GYSAJRUP.js";import"./chunk-HHYDG7ZA.js";import"./chunk-I7AE4BUH.js";import"./chunk-XEWGNUG4.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
