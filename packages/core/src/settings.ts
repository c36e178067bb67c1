/**
 * `@acmapi/core/settings`: a certificate's remembered settings (its signfile placement and
 * preflight mode, install targets, hooks, PKCS#12 bundle, key type) and the one precedence a
 * front end uses to merge them with its own input — given, then remembered, then the front
 * end's fallbacks — before it calls `runCertificate`. `CertificateSettings` and its parts are
 * the root entry's, because `RunCertificateOptions` carries them; the functions and the types
 * of their inputs are only here, since only a front end that remembers settings between runs
 * needs them.
 *
 * @module @acmapi/core/settings
 */
export {
  DEFAULT_PKCS12_PASSPHRASE_ENV,
  dropClearedSettings,
  mergeSettings,
  readPkcs12Passphrase,
  sameSettings,
  settingsForRun,
  settingsFromConfig,
  signfilePhaseFromSettings,
  signfilePlacement,
} from './lifecycle/settings.js';
// CertificateSettings and its parts are the root entry's: `import type { CertificateSettings } from '@acmapi/core'`.
export type { GivenSettings, ProjectSettingsSource, SettingsFallbacks, SignfilePhaseExtras } from './lifecycle/settings.js';
