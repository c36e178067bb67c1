import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
<<<<<<<< HEAD:apps/action/dist/chunks/ca-client-YCH3WYUL.js
import{g as i}from"./chunk-KV52ZOOB.js";import"./chunk-ZGBUJH46.js";import"./chunk-5TQOCLYV.js";import"./chunk-LKFMLDK6.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
========
import{g as i}from"./chunk-7EWUF3OD.js";import"./chunk-CVN627DW.js";import"./chunk-RRH7AWNW.js";import"./chunk-ZQTIAR5D.js";import"./chunk-65EMW3K3.js";import"./chunk-ZZYTT2D6.js";function n(t){return new i(t)}export{n as createCaClient};
>>>>>>>> delact:apps/action/dist/chunks/ca-client-GHDP3Y2H.js
