import { isKeyType } from '@acmapi/core';
console.log(isKeyType('x'));
const { go } = await import('./lazy.mjs');
go();
