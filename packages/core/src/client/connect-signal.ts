/**
 * A call's signal (the caller's, or its deadline's) bounds the connection the call opens,
 * TCP and TLS handshake included.
 *
 * Why this exists: undici 7 hands a request its abort only once the request has a connected
 * socket (`onConnect` in `lib/dispatcher/client.js`); while the connection is being set up
 * the request waits in the queue, and only undici's fixed connect timeout ends a handshake
 * that hangs. A server that accepts TCP and never speaks TLS thus held `--timeout 1s` for
 * the whole 10 s connect timeout.
 *
 * undici opens the connection for a request synchronously inside its `dispatch`, so the
 * signal in scope at that moment ({@link dispatchUnderSignal}) is the signal of the request
 * the connection is for. A connection opened at another moment (a request that waited for
 * a busy one) keeps the fixed connect timeout alone.
 */
import { Socket } from 'node:net';
import type { buildConnector } from 'undici';

type Connector = buildConnector.connector;

/** The signal of the request being dispatched right now, if any. */
let dispatching: AbortSignal | undefined;

/**
 * Runs `dispatch` (a synchronous call into the dispatcher that may open a connection) with
 * `signal` bounding any connection opened meanwhile by a {@link signalBoundConnector}.
 */
export function dispatchUnderSignal<T>(signal: AbortSignal | undefined, dispatch: () => T): T {
  const outer = dispatching;
  dispatching = signal;
  try {
    return dispatch();
  } finally {
    dispatching = outer;
  }
}

/**
 * Wraps `connector` so that the signal in scope when a connection starts ends it when it
 * aborts before the connection is up: the socket is destroyed and undici gets the signal's
 * reason as the connection's error (callers map it by their own signal, not by this error).
 */
export function signalBoundConnector(connector: Connector): Connector {
  return (options, callback) => {
    const signal = dispatching;
    if (signal === undefined) {
      connector(options, callback);
      return;
    }
    let settled = false;
    // undici's own connector returns the socket it starts (its type says void); a proxy's tunnel does not.
    const start: (...args: Parameters<Connector>) => unknown = connector;
    const starting = start(options, (error, socket) => {
      signal.removeEventListener('abort', onAbort);
      if (settled) {
        socket?.destroy();
        return;
      }
      settled = true;
      if (error === null) callback(null, socket);
      else callback(error, null);
    });
    function onAbort(): void {
      if (settled) return;
      settled = true;
      const error = signal?.reason instanceof Error ? signal.reason : new Error('The call was aborted while connecting.');
      // With an error, so that undici's connector also clears its connect timer.
      if (starting instanceof Socket) starting.destroy(error);
      callback(error, null);
    }
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  };
}
