import { describe, expect, it } from 'vitest';
import { certificateNameProblem, checkCertificateName } from './certificate-name.js';

describe('certificate store names', () => {
  it.each(['example.com', 'shop', 'a', 'api_v2-eu.example.com', '0'])('accepts %s', (name) => {
    expect(certificateNameProblem(name)).toBeUndefined();
  });

  it.each(['', 'Example.com', '../etc', 'a/b', 'a\\b', '.hidden', 'trailing.', 'a..b', 'con', 'nul.txt', 'x'.repeat(65), 'sp ace'])(
    'rejects %j',
    (name) => {
      expect(() => checkCertificateName(name)).toThrow(expect.objectContaining({ code: 'STORE_NAME_INVALID' }) as Error);
    },
  );
});
