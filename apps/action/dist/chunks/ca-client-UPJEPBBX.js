import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{f as i}from"./chunk-U4ZUKAWU.js";import"./chunk-LIZFJWXS.js";import"./chunk-DRLGCIHP.js";import"./chunk-OTSDE2LD.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
