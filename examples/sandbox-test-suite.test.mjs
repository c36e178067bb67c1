// The sandbox inside a test suite: a real ACMAPI server with a real test CA, in-process, on a
// free port, for testing your own code that talks to a CA. Run with `node --test`.
//
// It shows AcmApiClient's calls and results: issue({ domains, csr }, { waitMs }) resolves to
// { status: 'issued', handleId, certificate: { leaf, chain, certPem, chainPem, fullchainPem,
// warnings } } or { status: 'pending', handleId }; a CA error is thrown as a CaError with the
// numeric `status` (101–111) and a stable `code`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AcmApiClient, generateKeyAndCsr, isCaError } from '@acmapi/core';
import { startSandbox } from '@acmapi/sandbox';

/** @type {import('@acmapi/sandbox').Sandbox} */
let sandbox;
/** @type {AcmApiClient} */
let client;

before(async () => {
  sandbox = await startSandbox({
    customers: [{ customerId: 'tests', authToken: 'test-token', signfile: { content: 'test-signfile' } }],
    // No web server in this suite: every domain passes without a fetch of its signfile.
    validation: { enabled: false },
    pending: { domains: ['*.pending.test'] },
    refuse: ['*.refused.test'],
  });
  // Trust the sandbox's own test CA (and nothing else needs to change in the code under test).
  client = new AcmApiClient({ endpoint: sandbox.url, customerId: 'tests', authToken: 'test-token', ca: sandbox.caBundlePem });
});

after(async () => {
  await client.close();
  await sandbox.close();
});

test('issue() returns the certificate for the CSR', async () => {
  const { csrPem } = await generateKeyAndCsr({ domains: ['shop.example.test', 'www.shop.example.test'] });
  const result = await client.issue({ domains: ['shop.example.test', 'www.shop.example.test'], csr: csrPem }, { waitMs: 0 });
  assert.equal(result.status, 'issued');
  assert.deepEqual(result.certificate.leaf.sans, ['shop.example.test', 'www.shop.example.test']);
  assert.match(result.certificate.fullchainPem, /^-----BEGIN CERTIFICATE-----/);
});

test('a pending application is retrieved after the CA approves it', async () => {
  const { csrPem } = await generateKeyAndCsr({ domains: ['a.pending.test'] });
  const first = await client.issue({ domains: ['a.pending.test'], csr: csrPem }, { waitMs: 0 });
  assert.equal(first.status, 'pending');
  await sandbox.approve(first.handleId); // what a person at the CA does; the admin API does the same
  const later = await client.retrieve(first.handleId, { csr: csrPem });
  assert.equal(later.status, 'issued');
});

test('a refused domain is a CaError with status 109', async () => {
  const { csrPem } = await generateKeyAndCsr({ domains: ['b.refused.test'] });
  await assert.rejects(client.issue({ domains: ['b.refused.test'], csr: csrPem }, { waitMs: 0 }), (error) => isCaError(error) && error.status === 109);
});
