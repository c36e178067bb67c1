import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-YYYN56J4.js";import"./chunk-UWCZAEXF.js";import"./chunk-KCF23GPQ.js";import"./chunk-HCLEZWC3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
