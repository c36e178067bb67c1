/**
 * Everything the command prints goes through here: results on stdout (one JSON
 * object in `--json` mode, text otherwise), messages on stderr, a spinner on
 * steps that wait (only on a TTY, never in `--json` mode), registered secrets
 * replaced and control characters escaped before anything is written.
 */
import { escapeUnprintable, escapeUnprintableJson } from '@acmapi/core/text';
import type { Ora } from 'ora';

/** Where and how to print. */
export interface OutputOptions {
  /** `--json`: stdout carries exactly one JSON object; human text goes to stderr. */
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

/** A running progress indicator; a no-op when there is no TTY. */
export interface Progress {
  succeed: (text: string) => void;
  fail: (text: string) => void;
  stop: () => void;
}

const REDACTED = '[redacted]';

/** The command's printer. */
export class Output {
  readonly json: boolean;
  private readonly stdout: NodeJS.WriteStream;
  private readonly stderr: NodeJS.WriteStream;
  private readonly env: NodeJS.ProcessEnv;
  private readonly secrets = new Set<string>();
  private resultWritten = false;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.env = options.env ?? process.env;
  }

  /** Registers a value (the auth token) that must never be printed. */
  addSecret(secret: string): void {
    // Very short values would blank out ordinary words; real tokens are long.
    if (secret.length >= 4) this.secrets.add(secret);
  }

  /** Replaces every registered secret in `text`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
  }

  /**
   * `text` as written: secrets replaced, then every control character but LF escaped. Server
   * strings are escaped where they are put into a message (`displayText`); this also catches
   * what a message quotes from elsewhere (a flag's value, found by the flags fuzz suite).
   */
  private printable(text: string): string {
    return escapeUnprintable(this.redact(text));
  }

  /** A human line: stdout normally, stderr in `--json` mode (stdout is for the JSON object). */
  say(text: string): void {
    (this.json ? this.stderr : this.stdout).write(`${this.printable(text)}\n`);
  }

  /** A warning or error line, always on stderr. */
  warn(text: string): void {
    this.stderr.write(`${this.printable(text)}\n`);
  }

  /** The one JSON result of `--json` mode; ignored in human mode and after the first call. */
  result(value: object): void {
    if (!this.json || this.resultWritten) return;
    this.resultWritten = true;
    this.stdout.write(`${escapeUnprintableJson(this.redact(JSON.stringify(value, null, 2)))}\n`);
  }

  /** Starts a spinner on stderr for a step that waits; nothing at all without a TTY or in `--json` mode. */
  progress(text: string): Progress {
    // A pseudo-terminal without a size (columns 0) makes spinners redraw endlessly.
    const enabled = !this.json && this.stderr.isTTY && this.stderr.columns > 0 && this.env['CI'] === undefined;
    if (!enabled) return { succeed: () => undefined, fail: () => undefined, stop: () => undefined };
    const noColor = this.env['NO_COLOR'] !== undefined && this.env['NO_COLOR'] !== '';
    // ora is loaded only here, on a terminal: commands that never wait (`list`) start faster.
    let spinner: Ora | undefined;
    let ended = false;
    void import('ora').then(({ default: ora }) => {
      if (!ended) spinner = ora({ text: this.printable(text), stream: this.stderr, ...(noColor ? { color: false } : {}) }).start();
    });
    const end = (finish: (s: Ora) => void, line: string | undefined): void => {
      ended = true;
      if (spinner !== undefined) finish(spinner);
      else if (line !== undefined) this.stderr.write(`${this.printable(line)}\n`);
    };
    return {
      succeed: (done) => {
        end((s) => s.succeed(this.printable(done)), `✔ ${done}`);
      },
      fail: (failed) => {
        end((s) => s.fail(this.printable(failed)), `✖ ${failed}`);
      },
      stop: () => {
        end((s) => s.stop(), undefined);
      },
    };
  }
}
