import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{f as i}from"./chunk-CUS5X27Y.js";import"./chunk-7Z7PPFJK.js";import"./chunk-A5A2BB6F.js";import"./chunk-UU6MDYBA.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
