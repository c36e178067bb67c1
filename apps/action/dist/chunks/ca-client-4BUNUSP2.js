import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{f as i}from"./chunk-Y7LAYIEB.js";import"./chunk-MHVGNYVG.js";import"./chunk-YYH5HILV.js";import"./chunk-R4VWM35T.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
