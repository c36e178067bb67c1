import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-3USQ2D27.js";import"./chunk-KWXA3HJX.js";import"./chunk-RRH7AWNW.js";import"./chunk-A2QOFEIK.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
