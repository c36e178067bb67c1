import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
var e=64,r=/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9_-])?$/,i=/^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$/;function n(t){if(t.length===0)return"is empty";if(t.length>e)return`is longer than ${e} characters`;if(!r.test(t)||t.includes(".."))return'must use only lower-case letters, digits, ".", "_" and "-", start with a letter or digit, not end with "." and not contain ".."';if(i.test(t))return"is a device name reserved on Windows"}export{n as a};
