import { runCertificate } from '@acmapi/core';
export const go = () => console.log(typeof runCertificate);
