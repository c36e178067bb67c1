import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-6WW3DR5M.js";import"./chunk-STZIJDRF.js";import"./chunk-SAWQAO55.js";import"./chunk-BMFG2577.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
