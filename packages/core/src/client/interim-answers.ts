/**
 * Interim 1xx answers (RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx
 * responses received prior to a final response, even if the client does not expect one").
 *
 * Why this exists: undici 7's HTTP/1.1 parser (`lib/dispatcher/client-h1.js`,
 * `onHeadersComplete`) destroys the socket with `SocketError('bad response')` on any
 * `100 Continue`, asked for or not, and has no option to do otherwise (nodejs/undici#197).
 * A gateway or an IIS in front of the CA sends one unasked, and the call failed. undici
 * handles 102 and 103 itself; only 100 breaks it, but every interim answer is dropped here
 * alike, since none of them carries anything ACMAPI uses.
 *
 * The fix sits below undici's parser: a connector wrapper whose socket hands undici the
 * stream of bytes without the interim answers that open a response. An interim answer is
 * a status line `HTTP/1.x 1nn` (not 101, the switch of protocols nobody asked for, which
 * undici rejects itself) and header fields up to the empty line; it has no body (RFC 9112
 * §6.3), so it ends at the first CRLFCRLF.
 */
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';

/** An interim answer's head larger than this is not dropped: undici then rejects it as any overlong head. */
const MAX_INTERIM_HEAD_BYTES = 64 * 1024;

/** The status line's fixed shape up to the code: `HTTP/1.` + `0|1` + ` 1` + two digits + SP or CR. */
const STATUS_PREFIX_LENGTH = 'HTTP/1.1 100 '.length;

/**
 * Whether `head` (fewer than {@link STATUS_PREFIX_LENGTH} bytes) could still begin an interim
 * answer's status line, or (full length) does. Returns `'more'` when more bytes are needed.
 */
function classify(head: Buffer): 'interim' | 'final' | 'more' {
  const expected = 'HTTP/1.';
  const n = Math.min(head.length, STATUS_PREFIX_LENGTH);
  for (let i = 0; i < n; i++) {
    const c = head[i] ?? -1;
    const ok =
      i < expected.length ? c === expected.charCodeAt(i)
      : i === 7 ? c === 0x30 || c === 0x31
      : i === 8 ? c === 0x20
      : i === 9 ? c === 0x31
      : i === 10 || i === 11 ? c >= 0x30 && c <= 0x39
      : c === 0x20 || c === 0x0d;
    if (!ok) return 'final';
  }
  if (n < STATUS_PREFIX_LENGTH) return 'more';
  // 101 Switching Protocols is not an interim answer to drop: undici rejects it as unasked.
  return head[10] === 0x30 && head[11] === 0x31 ? 'final' : 'interim';
}

/**
 * The incoming side of one HTTP/1.1 connection, with the interim answers that open each
 * response removed. Pure: feed it what the socket reads with {@link push}, call
 * {@link expectResponse} when a new request is sent on the connection.
 */
export class InterimAnswerFilter {
  #atResponseStart = true;
  #held: Buffer = Buffer.alloc(0);

  /** A new request was sent: the next bytes that arrive open its response. */
  expectResponse(): void {
    this.#atResponseStart = true;
  }

  /**
   * @param chunk bytes as read from the connection.
   * @returns the bytes to hand the HTTP parser (possibly empty while an interim answer or
   *   the start of a status line is still arriving).
   */
  push(chunk: Buffer): Buffer {
    if (!this.#atResponseStart) return chunk;
    let held = this.#held.length === 0 ? chunk : Buffer.concat([this.#held, chunk]);
    for (;;) {
      const kind = classify(held);
      if (kind === 'more') {
        this.#held = held;
        return Buffer.alloc(0);
      }
      if (kind === 'final') break;
      const end = held.indexOf('\r\n\r\n', 0, 'latin1');
      if (end === -1) {
        if (held.length > MAX_INTERIM_HEAD_BYTES) break;
        this.#held = held;
        return Buffer.alloc(0);
      }
      held = held.subarray(end + 4);
      if (held.length === 0) {
        this.#held = held;
        return held;
      }
    }
    this.#atResponseStart = false;
    this.#held = Buffer.alloc(0);
    return held;
  }
}

/** A request head as undici writes it: `METHOD SP target SP HTTP/1.1 CRLF`. */
const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.1\r\n/;

function startsRequest(chunk: unknown): boolean {
  const text = typeof chunk === 'string' ? chunk.slice(0, 8192) : Buffer.isBuffer(chunk) ? chunk.subarray(0, 8192).toString('latin1') : '';
  return REQUEST_LINE.test(text);
}

/**
 * Makes `socket` drop interim answers before undici's parser reads them. undici reads an
 * HTTP/1.1 socket only through `read()` (on `'readable'`) and writes each request head
 * with `write()`; those two methods of this one socket are wrapped, nothing else changes.
 */
export function dropInterimAnswers<S extends Socket>(socket: S): S {
  const filter = new InterimAnswerFilter();
  const read = socket.read.bind(socket) as (size?: number) => Buffer | null;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.read = (size?: number): Buffer | null => {
    // Keep reading while what arrived was all interim: undici stops at the first null and
    // waits for the next 'readable', which comes only with new bytes.
    for (;;) {
      const chunk = read(size);
      if (chunk === null) return null;
      const passed = filter.push(chunk);
      if (passed.length > 0) return passed;
    }
  };
  socket.write = ((...args: unknown[]): boolean => {
    if (startsRequest(args[0])) filter.expectResponse();
    return write(...args);
  });
  return socket;
}

/** undici's connector: `(options, callback)` that opens one connection. */
export type Connector = buildConnector.connector;

/** Wraps `connector` so that every connection it opens drops interim answers ({@link dropInterimAnswers}). */
export function interimTolerantConnector(connector: Connector): Connector {
  return (options, callback) => {
    connector(options, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      callback(null, dropInterimAnswers(socket));
    });
  };
}
