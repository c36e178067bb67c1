/**
 * The world of the parity test: a REAL nginx serving the signfile from a webroot (plus a
 * name-based server block whose webroot lacks it, for 107), and sandboxes over HTTPS whose
 * signfile check connects to that nginx for every *.parity.test domain. Every sandbox has the
 * same two customers (A and B), with fresh canary tokens that no output may contain.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox } from '@acmapi/sandbox';
import type { Sandbox, SandboxOptions } from '@acmapi/sandbox';
import { makeTempDir, startSignfileSite } from '@acmapi/test-utils';
import type { NginxServer, TempDir } from '@acmapi/test-utils';
import type { Customer } from './parity.js';

/** The signfile every customer registers; nginx serves it for every domain but {@link NO_SIGNFILE_DOMAIN}. */
export const SIGNFILE = { name: 'signfile', content: 'acmapi-parity-signfile-3f9a' };

/** A domain whose web server (a name-based nginx server block) lacks the signfile: the CA answers 107. */
export const NO_SIGNFILE_DOMAIN = 'nosignfile.parity.test';

/** The world: nginx, a temp folder, and a factory of sandboxes validating against that nginx. */
export interface World {
  readonly temp: TempDir;
  readonly nginx: NginxServer;
  /** The customers every sandbox has. */
  readonly customers: { readonly a: Customer; readonly b: Customer };
  /** Every secret handed to a front end: no output and no kept file may contain one. */
  readonly secrets: readonly string[];
  /** Starts a fresh sandbox with `options`; returns it with the path of its CA bundle (PEM). */
  sandbox(options: SandboxOptions): Promise<{ sandbox: Sandbox; caFile: string }>;
  stop(): Promise<void>;
}

function canaryToken(): string {
  return `canary-token-${randomBytes(12).toString('hex')}`;
}

export async function startWorld(): Promise<World> {
  const temp = await makeTempDir('acmapi-parity-');
  const nginx = await startSignfileSite({ dir: temp.path, signfile: SIGNFILE, missingDomain: NO_SIGNFILE_DOMAIN });
  const customers = {
    a: { customerId: 'platform-a', authToken: canaryToken() },
    b: { customerId: 'platform-b', authToken: canaryToken() },
  };
  const sandboxes: Sandbox[] = [];
  let count = 0;
  return {
    temp,
    nginx,
    customers,
    secrets: [customers.a.authToken, customers.b.authToken],
    async sandbox(options) {
      const sandbox = await startSandbox({
        ...options,
        customers: [customers.a, customers.b].map((customer) => ({ ...customer, signfile: SIGNFILE })),
        validation: { resolve: { '*.parity.test': ['127.0.0.1'] }, httpPort: nginx.port },
      });
      sandboxes.push(sandbox);
      const caFile = join(temp.path, `sandbox-ca-${++count}.pem`);
      await writeFile(caFile, sandbox.caBundlePem);
      return { sandbox, caFile };
    },
    async stop() {
      await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
      await nginx.stop();
      await temp.cleanup();
    },
  };
}
