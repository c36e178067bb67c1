import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-6INUP4UX.js";import"./chunk-XA3BRQGZ.js";import"./chunk-P36IVTGE.js";import"./chunk-GGO6BHGL.js";import"./chunk-XDYNFPWB.js";import"./chunk-65EMW3K3.js";import"./chunk-IEBW7MRV.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
