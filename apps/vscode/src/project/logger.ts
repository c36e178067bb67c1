/** The log the plain modules write to; `vscode.LogOutputChannel` fits. Never pass secrets. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}
