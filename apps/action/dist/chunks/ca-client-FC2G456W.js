import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-7YYEWLNC.js";import"./chunk-SFB23IPB.js";import"./chunk-UAB37JXF.js";import"./chunk-GGO6BHGL.js";import"./chunk-XDYNFPWB.js";import"./chunk-65EMW3K3.js";import"./chunk-S7FN7OA3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
