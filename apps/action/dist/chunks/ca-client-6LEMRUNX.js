import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-LAZP4RNN.js";import"./chunk-HHYDG7ZA.js";import"./chunk-5TQOCLYV.js";import"./chunk-XEWGNUG4.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
