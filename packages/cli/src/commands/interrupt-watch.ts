/**
 * Turns SIGINT/SIGTERM into an abort while a pending application is being waited for
 * (`--wait`): the handle is already saved, so the run should unwind (releasing the
 * certificate's lock) and tell the user how to pick the application up, not die silently.
 */
import { INTERRUPT_EXIT_CODES } from '../present/exit-codes.js';
import type { InterruptSignal } from '../present/exit-codes.js';

/** Watches for SIGINT/SIGTERM between {@link InterruptWatch.start} and {@link InterruptWatch.stop}. */
export class InterruptWatch {
  private readonly controller = new AbortController();
  private listening = false;
  /** The signal received, once one was. */
  received: InterruptSignal | undefined;

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.received !== undefined) return;
    this.received = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
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
