/**
 * `acmapi demo`: the whole story on one machine, with nothing to configure. A sandbox CA
 * (HTTPS, in-process) and a signfile web server start; the demo domains map to that web
 * server; a certificate is issued through the same run as `acmapi issue` (`issueToFolder`);
 * the sandbox root is written beside it so openssl can verify it.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { serveSignfile } from '@acmapi/core/deploy';
import { writeFileAtomic } from '@acmapi/core/store';
import { startSandbox } from '@acmapi/sandbox';
import { localIo, STORE_ELSEWHERE } from '../flags/cli-errors.js';
import type { Output } from '../present/output.js';
import { printCertificateResult } from '../present/print-result.js';
import type { ResultJson } from '../present/result-json.js';
import type { CommandContext } from './command-kit.js';
import { runAction } from './command-kit.js';
import { issueToFolder } from './issue.js';

/** The domains the demo certifies; `.test` is reserved (RFC 2606), so they can never be real. */
export const DEMO_DOMAINS: readonly string[] = ['demo.acmapi.test', 'www.demo.acmapi.test'];

/** File name of the sandbox's root certificate in the demo folder. */
export const SANDBOX_ROOT_FILE = 'sandbox-root.pem';

/** Default output folder of `demo`. */
export const DEFAULT_DEMO_OUT_DIR = './acmapi-demo';

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** The store folder; files go to `outDir/demo.acmapi.test/`. */
  outDir: string;
  output: Output;
}

/** Quotes a path for a POSIX shell when it needs it. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/**
 * Runs the demo.
 *
 * @returns the `issued` result with `files.sandboxRoot` and `verifyCommand`.
 * @throws every error of `issueToFolder` (none is expected: the demo sets everything up).
 */
export async function runDemo(options: RunDemoOptions): Promise<ResultJson> {
  const { output } = options;
  const outDir = resolve(options.outDir);
  // A fresh random token per run, registered as a secret: even the demo never prints one.
  const authToken = randomBytes(24).toString('base64url');
  output.addSecret(authToken);
  const customerId = 'demo';
  const signfile = { name: 'signfile', content: `acmapi-demo-${randomBytes(16).toString('hex')}` };

  const web = await serveSignfile({ host: '127.0.0.1', port: 0, signfile });
  try {
    const sandbox = await startSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      customers: [{ customerId, authToken, signfile, allowedIps: ['127.0.0.1', '::1'] }],
      validation: {
        resolve: Object.fromEntries(DEMO_DOMAINS.map((domain) => [domain, ['127.0.0.1']])),
        httpPort: web.port,
      },
    });
    try {
      output.warn(`Sandbox CA at ${sandbox.url}; signfile served at ${web.url}/.well-known/pki-validation/${signfile.name}`);
      const result = await issueToFolder({
        domains: DEMO_DOMAINS,
        outDir,
        waitMs: 0,
        // Each demo run shows a fresh issuance, also into a folder holding an earlier demo's certificate.
        force: true,
        // The demo serves the signfile itself, at an address only its sandbox knows to use.
        signfile: { preflight: 'off' },
        credentials: { endpoint: sandbox.url, customerId, authToken, ca: [sandbox.caBundlePem], tokenFromFlag: false },
        output,
      });
      if (result.status !== 'issued' || result.dir === undefined || result.files === undefined) return result;
      const dir = result.dir;
      const rootPath = join(dir, SANDBOX_ROOT_FILE);
      await localIo('write', rootPath, () => writeFileAtomic(rootPath, sandbox.caCertificates.rootPem), STORE_ELSEWHERE);
      result.files.sandboxRoot = rootPath;
      const { cert, chain, sandboxRoot } = result.files;
      if (cert !== undefined && chain !== undefined) {
        result.verifyCommand = `openssl verify -CAfile ${shellQuote(sandboxRoot)} -untrusted ${shellQuote(chain)} ${shellQuote(cert)}`;
      }
      return result;
    } finally {
      await sandbox.close();
    }
  } finally {
    await web.close();
  }
}

interface DemoFlags {
  out: string;
  json?: boolean;
}

/** Builds the `demo` command. */
export function demoCommand(ctx: CommandContext): Command {
  return new Command('demo')
    .description('start a sandbox CA and a signfile web server on this machine, issue a certificate for demo.acmapi.test, and print how to verify it with openssl')
    .option('--out <dir>', 'output folder', DEFAULT_DEMO_OUT_DIR)
    .option('--json', 'print one JSON object on stdout; messages go to stderr')
    .action(async (flags: DemoFlags) => {
      const output = ctx.makeOutput(flags.json === true);
      await runAction(
        ctx,
        output,
        () => runDemo({ outDir: flags.out, output }),
        (result) => {
          printCertificateResult(output, result, flags.out);
          if (result.verifyCommand !== undefined) {
            output.say('Verify it with openssl (the sandbox root is trusted by nothing else):');
            output.say(`  ${result.verifyCommand}`);
          }
        },
      );
    });
}
