import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{g as i}from"./chunk-7ZQSV5BO.js";import"./chunk-JDX7D26T.js";import"./chunk-DNZMCTNL.js";import"./chunk-F63WE42E.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
