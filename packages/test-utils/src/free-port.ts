/** Free loopback ports for servers that cannot listen on port 0 themselves (nginx). */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Asks the kernel for a free TCP port on `host` and releases it. Another process
 * may take it before the caller binds it, so callers retry on EADDRINUSE.
 *
 * @default host '127.0.0.1'
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
