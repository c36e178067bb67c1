/**
 * A TLS-intercepting forward proxy on 127.0.0.1, as corporate networks run (Zscaler,
 * Netskope, Blue Coat, mitmproxy): it answers each CONNECT, ends the client's TLS itself
 * with a certificate for the requested host that its own CA signs on the fly, and opens
 * its own TLS connection to the real server. The client sees the proxy's CA, not the
 * server's. Its CA and the leaf certificates are made by openssl (an independent peer).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createSecureContext, TLSSocket } from 'node:tls';
import { findBinary } from './binaries.js';

/** Options of {@link startInterceptingProxy}. */
export interface InterceptingProxyOptions {
  /** PEM CA certificates the proxy trusts for the real servers it connects to. */
  readonly upstreamCa: string;
}

/** A running intercepting proxy. */
export interface InterceptingProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
  readonly url: string;
  /** The proxy's own CA certificate (PEM): what a user adds to trust it. */
  readonly caPem: string;
  /** `host:port` of each CONNECT whose TLS the proxy ended itself. */
  readonly intercepted: string[];
  close(): Promise<void>;
}

interface Minted {
  readonly cert: string;
  readonly key: string;
}

/** Makes the proxy's CA and signs leaves for hosts with it, by openssl, in a temp folder. */
class ProxyCa {
  readonly #dir = mkdtempSync(join(tmpdir(), 'acmapi-mitm-'));
  readonly #openssl = findBinary('openssl', 'openssl');
  readonly #leaves = new Map<string, Minted>();
  readonly caPem: string;

  constructor() {
    this.#run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/O=Example Corp/CN=Example Corp TLS Inspection CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', join(this.#dir, 'ca.key'), '-out', join(this.#dir, 'ca.pem')]);
    this.caPem = readFileSync(join(this.#dir, 'ca.pem'), 'utf8');
  }

  #run(args: string[]): void {
    execFileSync(this.#openssl, args, { cwd: this.#dir, stdio: 'ignore' });
  }

  /** A leaf for `host` (a DNS name or an IP address) signed by the proxy's CA, made once per host. */
  leaf(host: string): Minted {
    const known = this.#leaves.get(host);
    if (known !== undefined) return known;
    const n = String(this.#leaves.size);
    const san = isIP(host) === 0 ? `DNS:${host}` : `IP:${host}`;
    writeFileSync(join(this.#dir, `leaf${n}.ext`), `subjectAltName=${san}\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    this.#run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${host}`,
      '-keyout', `leaf${n}.key`, '-out', `leaf${n}.csr`]);
    this.#run(['x509', '-req', '-in', `leaf${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1',
      '-extfile', `leaf${n}.ext`, '-out', `leaf${n}.pem`]);
    const minted = { cert: readFileSync(join(this.#dir, `leaf${n}.pem`), 'utf8'), key: readFileSync(join(this.#dir, `leaf${n}.key`), 'utf8') };
    this.#leaves.set(host, minted);
    return minted;
  }

  remove(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Starts the proxy on 127.0.0.1, port 0. Plain-HTTP forwarding is not offered: only CONNECT. */
export async function startInterceptingProxy(options: InterceptingProxyOptions): Promise<InterceptingProxy> {
  const ca = new ProxyCa();
  const intercepted: string[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('CONNECT only\n');
  });
  server.on('connection', track);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const hostPort = req.url ?? '';
    const at = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(hostPort.slice(at + 1));
    intercepted.push(hostPort);
    client.on('error', () => client.destroy());
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) client.unshift(head);
    const leaf = ca.leaf(host);
    const inner = new TLSSocket(client, { isServer: true, secureContext: createSecureContext({ cert: leaf.cert, key: leaf.key }) });
    track(inner);
    inner.on('error', () => client.destroy());
    const upstream = tlsConnect({ host, port, ca: options.upstreamCa, ...(isIP(host) === 0 ? { servername: host } : {}) });
    track(upstream);
    upstream.on('error', () => inner.destroy());
    inner.pipe(upstream);
    upstream.pipe(inner);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    caPem: ca.caPem,
    intercepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          ca.remove();
          resolve();
        });
      }),
  };
}
