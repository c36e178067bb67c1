/**
 * `@acmapi/core/options`: what a front end needs to check its users' input before anything
 * else loads — the one duration syntax, the key types, and the error classes with their
 * guards. Nothing here loads the client (undici), the PKI libraries or the config schema
 * (zod), so a front end that imports only this entry point at start-up starts fast; the root
 * entry point brings the whole library (and under a bundler's code splitting, every module
 * the bundle uses from it).
 *
 * @module @acmapi/core/options
 */
export { DURATION_UNITS, parseDuration } from './config/duration.js';
export type { ParseDurationOptions } from './config/duration.js';
export { DEFAULT_KEY_TYPE, KEY_TYPES, isKeyType } from './pki/key-types.js';
export type { KeyType } from './pki/key-types.js';
export {
  AcmApiError,
  CaError,
  OptionsError,
  isAcmApiError,
  isCaError,
  isCaErrorStatus,
  isConfigError,
  isProtocolError,
  isStoreError,
  isTransportError,
} from './errors/errors.js';
