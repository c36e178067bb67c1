/**
 * Durable steps of the lifecycle and the store, published on the `node:diagnostics_channel`
 * channel {@link STEP_CHANNEL} — the way undici publishes its request life cycle. Tracing and
 * audit tools subscribe to see every file written and every state committed, in order; the
 * project's crash tests subscribe from a preload (`node --import`) and kill the process at a
 * chosen step, so that no test-only code ships in the packages.
 *
 * Publishing is synchronous: a subscriber runs before the step's effect happens.
 */
import { channel } from 'node:diagnostics_channel';

/** Name of the diagnostics channel. */
export const STEP_CHANNEL = 'acmapi:step';

/**
 * One durable step. `step` is one of: `write:FILE` (before FILE is written atomically,
 * `path` set), `prepared`, `pending`, `installed`, `live-switched` (the store's commits), and
 * the lifecycle's `key-generated` (key and CSR in memory, nothing saved) and `applied` (the
 * CA's answer is in memory, nothing recorded yet).
 */
export interface StepMessage {
  readonly step: string;
  /** The certificate's name. */
  readonly certificate: string;
  /** The file about to be written, for `write:FILE`. */
  readonly path?: string;
}

const steps = channel(STEP_CHANNEL);

/** Publishes one step; costs one property read when nobody listens. */
export function publishStep(step: string, detail: { certificate: string; path?: string }): void {
  if (steps.hasSubscribers) steps.publish({ step, ...detail } satisfies StepMessage);
}
