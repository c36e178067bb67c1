/**
 * Real keys, CSRs and certificates for the client's tests: a CSR from the package's
 * own key and CSR code, and leaves signed by the shared test CA (root → intermediate).
 */
import { createPublicKey } from 'node:crypto';
import { generateKeyAndCsr } from '../../src/pki/csr.js';
import { issueLeaf, makeIntermediate, makeRoot } from './test-ca.js';
import type { IssueLeafOptions, TestIssuer } from './test-ca.js';

export interface Fixture {
  root: TestIssuer;
  intermediate: TestIssuer;
  domains: string[];
  csrPem: string;
  privateKeyPem: string;
  /** Leaf for the CSR's key and domains, then the intermediate: a PEM bundle. */
  bundle: string;
  /** Issues another leaf, followed by the intermediate. */
  issue(options: Partial<IssueLeafOptions> & { privateKeyPem?: string }): Promise<string>;
}

export async function makeFixture(domains: string[] = ['example.com', 'www.example.com']): Promise<Fixture> {
  const root = await makeRoot();
  const intermediate = await makeIntermediate(root);
  const { csrPem, privateKeyPem } = await generateKeyAndCsr({ domains });
  const issue = async (options: Partial<IssueLeafOptions> & { privateKeyPem?: string }): Promise<string> => {
    const leaf = await issueLeaf(intermediate, {
      domains,
      ...options,
      publicKey: options.publicKey ?? createPublicKey(options.privateKeyPem ?? privateKeyPem),
    });
    return leaf + intermediate.pem;
  };
  return { root, intermediate, domains, csrPem, privateKeyPem, bundle: await issue({}), issue };
}
