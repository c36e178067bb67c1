/**
 * What a validating resolver says about the DNSSEC state of one answer, which node:dns does
 * not expose: the AD bit (RFC 4035 §3.2.3, asked for with AD=1 as RFC 6840 §5.7 allows) and
 * an Extended DNS Error (RFC 8914) on a SERVFAIL, e.g. unbound's "DNSSEC Bogus". One CAA
 * query over UDP with the DO bit, encoded and decoded with dns-packet.
 *
 * The AD bit means something only from a validating resolver on a trusted path (here, one
 * the CA runs on loopback); it is never taken from an authoritative server.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import packet from 'dns-packet';

/** RFC 8914 §4 info-codes this CA names; all others are reported by number. */
const EXTENDED_ERRORS: Readonly<Record<number, string>> = {
  1: 'Unsupported DNSKEY Algorithm',
  2: 'Unsupported DS Digest Type',
  5: 'DNSSEC Indeterminate',
  6: 'DNSSEC Bogus',
  7: 'Signature Expired',
  8: 'Signature Not Yet Valid',
  9: 'DNSKEY Missing',
  10: 'RRSIGs Missing',
  11: 'No Zone Key Bit Set',
  12: 'NSEC Missing',
  22: 'No Reachable Authority',
  23: 'Network Error',
};

/** The RFC 8914 info-codes that say the answer failed DNSSEC validation. */
const DNSSEC_CODES = new Set([1, 2, 5, 6, 7, 8, 9, 10, 11, 12]);

/** The EDNS option code of an Extended DNS Error (RFC 8914 §2). */
const EDE_OPTION = 15;

/** An Extended DNS Error: the info-code and this CA's name for it (the resolver's extra text is not kept). */
export interface ExtendedDnsError {
  readonly code: number;
  /** RFC 8914's name, or `EDE <code>`. */
  readonly name: string;
  /** Whether the code says DNSSEC validation failed (bogus, expired, missing keys, …). */
  readonly dnssec: boolean;
}

/** The DNSSEC state of one answer, or why there was none. */
export type DnssecState =
  | {
      readonly kind: 'answered';
      /** The RCODE, e.g. `NOERROR`, `NXDOMAIN`, `SERVFAIL`. */
      readonly rcode: string;
      /** The AD bit: the resolver validated the answer (secure). */
      readonly authenticated: boolean;
      readonly extendedError?: ExtendedDnsError;
    }
  | { readonly kind: 'failed'; readonly message: string };

/** `ADDR`, `ADDR:PORT` or `[V6]:PORT` (node:dns syntax) → host and port. */
export function parseServer(server: string): { host: string; port: number } {
  if (isIPv6(server)) return { host: server, port: 53 };
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(server);
  if (match === null) throw new TypeError(`not an ADDR[:PORT]: ${server}`);
  return { host: match[1] ?? match[2] ?? '', port: Number(match[3] ?? 53) };
}

/**
 * What dns-packet's `decode` gives at run time and its published types leave out: the RCODE
 * as a name, and EDNS options of any code with their raw `data`.
 */
interface DecodedResponse {
  readonly id?: number;
  readonly rcode?: string;
  readonly flag_ad: boolean;
  readonly additionals?: readonly { readonly type: string; readonly options?: readonly { readonly code: number; readonly data?: unknown }[] }[];
}

function extendedError(response: DecodedResponse): ExtendedDnsError | undefined {
  for (const record of response.additionals ?? []) {
    if (record.type !== 'OPT') continue;
    for (const option of record.options ?? []) {
      if (option.code !== EDE_OPTION || !Buffer.isBuffer(option.data) || option.data.length < 2) continue;
      const code = option.data.readUInt16BE(0);
      return { code, name: EXTENDED_ERRORS[code] ?? `EDE ${code}`, dnssec: DNSSEC_CODES.has(code) };
    }
  }
  return undefined;
}

/**
 * Asks `server` for the CAA set of `name` with DO=1 and AD=1 and reads the AD bit and any
 * Extended DNS Error of the answer.
 *
 * @param options.timeoutMs - how long to wait for the answer, milliseconds.
 * @param options.localAddress - the IPv4 source address (a remote perspective's).
 */
export async function queryDnssecState(name: string, server: string, options: { timeoutMs: number; localAddress?: string }): Promise<DnssecState> {
  const { host, port } = parseServer(server);
  const v6 = isIPv6(host);
  const socket = createSocket(v6 ? 'udp6' : 'udp4');
  const id = randomInt(0x10000);
  const query = packet.encode({
    type: 'query',
    id,
    flags: packet.RECURSION_DESIRED | packet.AUTHENTIC_DATA,
    questions: [{ type: 'CAA', name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: packet.DNSSEC_OK, flag_do: true, options: [] }],
  });
  try {
    return await new Promise<DnssecState>((resolve) => {
      const timer = setTimeout(() => {
        resolve({ kind: 'failed', message: `no answer from ${server} in ${options.timeoutMs} ms` });
      }, options.timeoutMs);
      const finish = (state: DnssecState): void => {
        clearTimeout(timer);
        resolve(state);
      };
      socket.on('error', (error) => {
        finish({ kind: 'failed', message: error.message });
      });
      // A connected socket takes answers from the server asked only.
      socket.on('message', (message) => {
        let response: DecodedResponse;
        try {
          response = packet.decode(message) as DecodedResponse;
        } catch {
          finish({ kind: 'failed', message: `unreadable answer from ${server}` });
          return;
        }
        if (response.id !== id) return;
        const ede = extendedError(response);
        finish({
          kind: 'answered',
          rcode: response.rcode ?? 'NOERROR',
          authenticated: response.flag_ad,
          ...(ede === undefined ? {} : { extendedError: ede }),
        });
      });
      const send = (): void => {
        socket.connect(port, host, () => {
          socket.send(query);
        });
      };
      if (options.localAddress !== undefined && !v6) socket.bind({ address: options.localAddress, port: 0 }, send);
      else send();
    });
  } finally {
    socket.close();
  }
}
