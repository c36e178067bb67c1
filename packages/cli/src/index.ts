/**
 * @acmapi/cli: the `acmapi` command, and its flows for programmatic use.
 */
export { run, cliVersion } from './program.js';
export type { RunOptions } from './program.js';
export { EXIT_CODES } from './exit-codes.js';
export { exitCodeFor } from './exit-code-for.js';
export type { ExitCode } from './exit-codes.js';
export { issueToFolder } from './issue-flow.js';
export type { IssueToFolderOptions } from './issue-flow.js';
export { retrieveToFolder } from './retrieve-flow.js';
export type { RetrieveToFolderOptions } from './retrieve-flow.js';
export { runDemo } from './demo-flow.js';
export type { RunDemoOptions } from './demo-flow.js';
export { renewCertificates } from './renew-flow.js';
export type { RenewOptions, RenewResultJson, RenewPlanJson } from './renew-flow.js';
export { runCertificate } from './certificate-run.js';
export type { CertificateTarget, KeyAndCsr, RunCertificateOptions } from './certificate-run.js';
export type { ListJson, ListEntryJson } from './list-view.js';
export type { ResultJson, CertificateJson, FileRole } from './present.js';
export type { ErrorJson } from './describe-error.js';
export { parseDuration } from './duration.js';
export { Output } from './output.js';
