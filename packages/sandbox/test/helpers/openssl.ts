/** openssl as an independent peer: it makes CSRs and checks certificates. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs openssl with stdin closed; resolves with stdout, rejects with stderr in the message. */
export async function openssl(args: readonly string[]): Promise<string> {
  try {
    const child = run('openssl', [...args], { encoding: 'utf8', timeout: 20_000 });
    child.child.stdin?.end();
    const { stdout } = await child;
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}

/** A temp folder, removed by `dispose`. */
export async function tempDir(): Promise<{ path: string; dispose: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'acmapi-sandbox-test-'));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** Key specs openssl understands, e.g. `rsa:2048`, `ec:P-256`. */
export type KeySpec = 'rsa:1024' | 'rsa:2048' | 'rsa:3072' | 'ec:P-256' | 'ec:P-384' | 'ec:P-521' | 'rsa:2560';

/**
 * Makes a private key and a CSR with openssl. `cn` defaults to the first SAN (`null`: no CN,
 * the names are in the SANs only); `sans` defaults to `domains`.
 */
export async function makeCsr(options: {
  domains: readonly string[];
  key?: KeySpec;
  cn?: string | null;
  sans?: readonly string[];
}): Promise<{ csrPem: string; keyPem: string }> {
  const dir = await tempDir();
  try {
    const key = join(dir.path, 'key.pem');
    const csr = join(dir.path, 'csr.pem');
    const spec = options.key ?? 'ec:P-256';
    if (spec.startsWith('rsa:')) {
      await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.slice(4)}`, '-out', key]);
    } else {
      await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec.slice(3)}`, '-out', key]);
    }
    const sans = options.sans ?? options.domains;
    const cn = options.cn === undefined ? (options.domains[0] ?? 'example.test') : options.cn;
    const args = ['req', '-new', '-key', key, '-out', csr, '-subj', cn === null ? '/O=acmapi test' : `/CN=${cn}`];
    if (sans.length > 0) args.push('-addext', `subjectAltName=${sans.map((d) => `DNS:${d}`).join(',')}`);
    await openssl(args);
    return { csrPem: await readFile(csr, 'utf8'), keyPem: await readFile(key, 'utf8') };
  } finally {
    await dir.dispose();
  }
}

/** Flips one byte of the CSR's signature (its last DER byte), so that the signature no longer verifies. */
export function corruptCsrSignature(csrPem: string): string {
  const base64 = csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(base64, 'base64');
  const last = der.length - 1;
  der[last] = (der[last] ?? 0) ^ 0x01;
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** Writes files into a temp folder and runs openssl there; removes the folder after. */
export async function withFiles<T>(files: Record<string, string | Uint8Array>, body: (path: (name: string) => string) => Promise<T>): Promise<T> {
  const dir = await tempDir();
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir.path, name), content);
    return await body((name) => join(dir.path, name));
  } finally {
    await dir.dispose();
  }
}
