import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{f as i}from"./chunk-S2A5Y5FX.js";import"./chunk-STZIJDRF.js";import"./chunk-SAWQAO55.js";import"./chunk-BMFG2577.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
