/**
 * The hostile-strings corpus through the store (issue 11, "hostile strings"): a CA's text that
 * reaches `lastError` (an error message quoting it, or a refusal) is stored as data: state.json
 * holds it escaped (no raw control, bidi or invisible character in the file, one JSON value
 * per line), capped, and reads back as what was stored.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HOSTILE_STRINGS, makeTempDir, unsafeForDisplay, type TempDir } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaError, ProtocolError } from '../src/errors/errors.js';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import { openStore, type CertificateStore } from '../src/store/certificate-store.js';
import { LAST_ERROR_MESSAGE_MAX } from '../src/store/locked-certificate.js';

const domains = ['api.example.com'];
let temp: TempDir;
let store: CertificateStore;
let application: Awaited<ReturnType<typeof generateKeyAndCsr>>;

beforeAll(async () => {
  temp = await makeTempDir('acmapi-hostile-store-');
  store = await openStore(join(temp.path, 'store'));
  application = await generateKeyAndCsr({ domains });
});

afterAll(async () => {
  await temp.cleanup();
});

/** Every line of the file is safe to show; the file stays small whatever the CA sent. */
async function expectSafeFile(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  for (const line of text.split('\n')) expect(unsafeForDisplay(line, 20_000), JSON.stringify(line.slice(0, 120))).toBeUndefined();
  expect(text.length).toBeLessThan(64 * 1024);
  return text;
}

const cases = HOSTILE_STRINGS.map((h, index) => [h.label, h.value, index] as const);

describe('hostile strings: state.json keeps a CA\'s text as escaped, capped data', () => {
  it.each(cases)('a lastError quoting %s is written escaped and capped, and reads back', async (_label, value, index) => {
    const name = `err-${index}`;
    const message = `The endpoint's answer is not ACMAPI: ${value}`;
    await store.withCertificate(name, async (certificate) => {
      await certificate.prepareApplication({ domains, keyType: application.keyType, privateKeyPem: application.privateKeyPem, csrPem: application.csrPem });
      await certificate.recordError(new ProtocolError('PROTOCOL_BAD_SHAPE', message));
    });
    await expectSafeFile(join(store.dir, name, 'state.json'));
    const stored = (await store.get(name))?.lastError?.message ?? '';
    if (Array.from(message).length <= LAST_ERROR_MESSAGE_MAX) expect(stored).toBe(message);
    else expect(stored.startsWith(Array.from(message).slice(0, LAST_ERROR_MESSAGE_MAX).join(''))).toBe(true);
  });

  it.each(cases)('a refusal (109) whose message quotes %s is written escaped in lastError and the version\'s reason', async (_label, value, index) => {
    const name = `refused-${index}`;
    await store.withCertificate(name, async (certificate) => {
      await certificate.prepareApplication({ domains, keyType: application.keyType, privateKeyPem: application.privateKeyPem, csrPem: application.csrPem });
      await certificate.recordRefused(new CaError(109, value));
    });
    await expectSafeFile(join(store.dir, name, 'state.json'));
  });
});
