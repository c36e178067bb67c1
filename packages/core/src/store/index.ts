/**
 * `@acmapi/core/store`: the crash-safe certificate store (see README.md beside this file) —
 * one folder per certificate, every write atomic, a new key and its certificate made live
 * together, one process at a time per certificate. Every change goes through
 * {@link CertificateStore.withCertificate}; the state file's internals are not public.
 *
 * @module @acmapi/core/store
 */
export { CertificateStore, openStore } from './certificate-store.js';
export type { CertificateLockOptions, DeleteCertificateOptions, DeleteCertificateResult, OpenStoreOptions } from './certificate-store.js';
export type { LockedCertificate } from './locked-certificate.js';
export { listCertificates } from './list-certificates.js';
export { CERTIFICATE_NAME_PATTERN, MAX_CERTIFICATE_NAME_LENGTH, certificateNameProblem } from './certificate-name.js';
export { LINKED_FILES, LIVE_FILES, PKCS12_FILE, certificatePaths } from './store-layout.js';
export type { CertificatePaths, LiveFile } from './store-layout.js';
export { KEY_GITIGNORE, KEY_GITIGNORE_RULES, ensureKeyGitignore, keyGitignoreText, removeStoreFolderIfUnused } from './key-gitignore.js';
export { writeFileAtomic } from './write-atomic.js';
export type { WriteFileAtomicOptions } from './write-atomic.js';
export type {
  ApplicationInfo,
  CertificateFailures,
  CertificateRecord,
  CertificateRecordOptions,
  CertificateState,
  LastAttempt,
  LiveCertificateInfo,
  RetiredApplicationInfo,
  CertificateRecordParts,
} from './certificate-record.js';
// For another CertificateRepository (the Action's published folder): the record from its parts.
export { composeCertificateRecord } from './certificate-record.js';
export { LocalFileEncodingError, LocalFileTooLargeError, fileTooLargeDetail, stripByteOrderMark, utf16ByteOrderMark, MAX_CA_FILE_BYTES, MAX_LOCAL_FILE_BYTES, MAX_PASSPHRASE_FILE_BYTES, readLocalFile, readLocalTextFile } from './read-bounded.js';
export type { ReadLocalFileOptions } from './read-bounded.js';
