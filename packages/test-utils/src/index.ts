export * from './binaries.js';
export * from './free-port.js';
export * from './nginx.js';
export * from './openssl.js';
export * from './temp-dir.js';
export * from './signfile-site.js';
export * from './hostile-strings.js';
export * from './fuzz.js';
