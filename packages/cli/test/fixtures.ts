/**
 * The world of the end-to-end suites: a REAL nginx serving the signfile from a
 * webroot (plus a name-based server block whose webroot lacks it), and sandboxes
 * whose signfile check connects to that nginx for every *.acmapi.test domain.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox } from '@acmapi/sandbox';
import type { Sandbox, SandboxOptions } from '@acmapi/sandbox';
import { makeTempDir, startSignfileSite } from '@acmapi/test-utils';
import type { NginxServer, TempDir } from '@acmapi/test-utils';
import { canaryToken } from './cli-harness.js';

/** The signfile every test customer registers. */
export const SIGNFILE = { name: 'signfile', content: 'acmapi-e2e-signfile-5c1d' };

/** A domain whose web server lacks the signfile (107). */
export const NO_SIGNFILE_DOMAIN = 'nosignfile.acmapi.test';

/** The shared world: temp folder, nginx, the sandbox root file. */
export interface World {
  temp: TempDir;
  nginx: NginxServer;
  /** Stops everything started by {@link startWorld} and by {@link World.sandbox}. */
  stop: () => Promise<void>;
  /** Starts a sandbox validating against this nginx; returns it with a customer's credentials. */
  sandbox: (options?: SandboxOptions, customer?: { allowedIps?: string[] }) => Promise<WorldSandbox>;
}

/** A sandbox with one customer, plus env for the CLI. */
export interface WorldSandbox {
  sandbox: Sandbox;
  token: string;
  customerId: string;
  /** Path of the sandbox root certificate (PEM). */
  rootPath: string;
  /** Path of the sandbox intermediate certificate (PEM). */
  intermediatePath: string;
  /** ACMAPI_* variables for the CLI. */
  env: Record<string, string>;
}

/** Starts nginx over a webroot holding the signfile, and a second name-based server without it. */
export async function startWorld(): Promise<World> {
  const temp = await makeTempDir('acmapi-cli-e2e-');
  const nginx = await startSignfileSite({ dir: temp.path, signfile: SIGNFILE, missingDomain: NO_SIGNFILE_DOMAIN });
  const sandboxes: Sandbox[] = [];
  let count = 0;
  return {
    temp,
    nginx,
    sandbox: async (options = {}, customer = {}) => {
      const token = canaryToken();
      const customerId = `platform-${++count}`;
      const sandbox = await startSandbox({
        customers: [{ customerId, authToken: token, signfile: SIGNFILE, allowedIps: customer.allowedIps ?? ['127.0.0.1', '::1'] }],
        ...options,
        validation: { resolve: { 'acmapi.test': ['127.0.0.1'], '*.acmapi.test': ['127.0.0.1'] }, httpPort: nginx.port, ...options.validation },
      });
      sandboxes.push(sandbox);
      const rootPath = join(temp.path, `root-${count}.pem`);
      const intermediatePath = join(temp.path, `intermediate-${count}.pem`);
      await writeFile(rootPath, sandbox.caCertificates.rootPem);
      await writeFile(intermediatePath, sandbox.caCertificates.intermediatePem);
      return {
        sandbox,
        token,
        customerId,
        rootPath,
        intermediatePath,
        env: { ACMAPI_ENDPOINT: sandbox.url, ACMAPI_CUSTOMER_ID: customerId, ACMAPI_AUTH_TOKEN: token, ACMAPI_CA_FILE: rootPath },
      };
    },
    stop: async () => {
      await Promise.all(sandboxes.map((s) => s.close()));
      await nginx.stop();
      await temp.cleanup();
    },
  };
}
