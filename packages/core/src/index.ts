export * from './errors.js';
export * from './domains.js';
