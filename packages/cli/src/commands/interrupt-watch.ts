/**
 * Turns SIGINT/SIGTERM during a certificate's run into an abort of core's lifecycle, so that
 * an interruption ends through the same path as an error: the signfile phase puts the user's
 * signfile back (or removes ours) and releases the webroot's lock, the certificate's lock is
 * released, a saved handle stays pending; then the command exits 130/143. Dying at once
 * instead would leave our token signfile and `.acmapi.lock` in the webroot, and the next run
 * would take that leftover for the user's own file.
 *
 * A second signal quits at once (the user asked twice), saying what may be left behind.
 */
import { INTERRUPT_EXIT_CODES } from '../present/exit-codes.js';
import type { InterruptSignal } from '../present/exit-codes.js';

/** Watches for SIGINT/SIGTERM between {@link InterruptWatch.start} and {@link InterruptWatch.stop}. */
export class InterruptWatch {
  private readonly controller = new AbortController();
  private listening = false;
  /** The signal received, once one was. */
  received: InterruptSignal | undefined;

  /** @param say - prints one line on stderr (the command's `Output.warn`). */
  constructor(private readonly say: (line: string) => void) {}

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const name: InterruptSignal = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
    if (this.received !== undefined) {
      this.say(`${name} again: quitting at once. The webroot may still hold the signfile and .acmapi.lock of this run.`);
      process.exit(INTERRUPT_EXIT_CODES[name]);
    }
    this.received = name;
    this.say(`${name} received: stopping and cleaning up (signfile, locks); send it again to quit at once.`);
    this.controller.abort(new Error(`Interrupted by ${signal}.`));
  };

  /** Aborts when a watched signal arrives. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts listening; until then the signals keep their default (the process ends). */
  start(): void {
    if (this.listening) return;
    this.listening = true;
    for (const name of Object.keys(INTERRUPT_EXIT_CODES)) process.on(name, this.onSignal);
  }

  /** Stops listening; the signals get their default back. */
  stop(): void {
    if (!this.listening) return;
    this.listening = false;
    for (const name of Object.keys(INTERRUPT_EXIT_CODES)) process.off(name, this.onSignal);
  }
}
