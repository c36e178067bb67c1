import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import{u as o}from"./chunk-DUT7BKZ3.js";function c(r){let{live:t,application:i,lastError:s,settings:n,lastRetired:d}=r,e;i?.status==="pending"?e="pending":s!==void 0?e="failed":t===void 0?e="new":t.renewal.reason==="expired"?e="expired":e=t.renewal.due?"due":"valid";let a=t??i,f=a?.domains??(n!==void 0&&n.domains.length>0?n.domains:d?.domains)??[],l=a?.keyType??n?.keyType??d?.keyType??o;return{...r,domains:[...f],keyType:l,state:e}}export{c as a};
