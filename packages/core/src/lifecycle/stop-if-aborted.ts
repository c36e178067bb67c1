/**
 * The one check a lifecycle step makes before it writes or sends anything more: has the
 * caller aborted the run (Ctrl-C, SIGTERM)? Then the step stops with the error an aborted CA
 * call has, so that every front end tells an interruption apart the same way, and the
 * signfile phase around it cleans up as after any error.
 */
import { TransportError } from '../errors/errors.js';

/**
 * @throws {TransportError} `TRANSPORT_ABORTED` when `signal` has aborted.
 */
export function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted !== true) return;
  throw new TransportError('TRANSPORT_ABORTED', 'The run was aborted by the caller before the application was sent.', { hint: 'Nothing was sent; run it again when wanted.' });
}
