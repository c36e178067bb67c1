import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-7EWUF3OD.js";import"./chunk-CVN627DW.js";import"./chunk-RRH7AWNW.js";import"./chunk-ZQTIAR5D.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
