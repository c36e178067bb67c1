import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-4RWDH6EU.js";import"./chunk-J4ORB5XF.js";import"./chunk-JE5JHROF.js";import"./chunk-GGO6BHGL.js";import"./chunk-XDYNFPWB.js";import"./chunk-65EMW3K3.js";import"./chunk-YR5UT37R.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
