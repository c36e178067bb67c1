import { AcmApiError } from '@acmapi/core';

/** Codes of errors thrown by the sandbox's own API (approve/refuse). */
export type SandboxErrorCode = 'SANDBOX_UNKNOWN_HANDLE' | 'SANDBOX_NOT_PENDING' | 'SANDBOX_UNKNOWN_PERSPECTIVE';

/** A misuse of the sandbox's in-process or admin API, e.g. approving an unknown handle or setting a perspective that does not exist. */
export class SandboxError extends AcmApiError {
  override name = 'SandboxError';
  declare readonly code: SandboxErrorCode;
}
