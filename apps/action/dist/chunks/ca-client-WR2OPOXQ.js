import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-Z2C4LFNF.js";import"./chunk-BVY5WZTW.js";import"./chunk-TDVRFOPY.js";import"./chunk-RNQ4AYPB.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
