import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-D7B4FVTK.js";import"./chunk-6O2RLXU7.js";import"./chunk-WOMKLWWK.js";import"./chunk-DII472Y5.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
