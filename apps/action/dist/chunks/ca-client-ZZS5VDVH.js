import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-A3CK7OBE.js";import"./chunk-BF5GDC2G.js";import"./chunk-URMVWHXG.js";import"./chunk-I5QWDZKY.js";import"./chunk-65EMW3K3.js";import"./chunk-DUT7BKZ3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
