import { CaError, ProtocolError, StoreError, type CertificateRecord } from '@acmapi/core';
import { HOSTILE_STRINGS, unsafeForDisplay } from '@acmapi/test-utils';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../l10n/localize.js';
import { describeError } from '../project/advice.js';
import { logLifecycleEvent } from '../project/lifecycle-log.js';
import type { Logger } from '../project/logger.js';
import type { TreeNode } from './tree-node.js';
import { buildTreeModel } from './tree-model.js';

const cases = HOSTILE_STRINGS.map((h) => [h.label, h.value] as const);

function texts(nodes: readonly TreeNode[]): string[] {
  return nodes.flatMap((node) => [node.label, node.description, ...node.tooltip.split('\n'), ...texts(node.children)]);
}

describe('finding 2: server strings in the extension (hostile-strings corpus)', () => {
  it.each(cases)('finding 2: the tree shows a stored handle and error with %s escaped', (_label, value) => {
    const record: CertificateRecord = {
      name: 'site',
      domains: ['example.test'],
      keyType: 'ec-p256',
      state: 'pending',
      live: undefined,
      application: { version: 'v1', status: 'pending', domains: ['example.test'], keyType: 'ec-p256', preparedAt: new Date(0), handleId: value, since: undefined, lastPolledAt: undefined, polls: 1, endpoint: undefined },
      lastRetired: undefined,
      lastError: { code: 'CA_DOMAIN_VERIFY_FAILED', message: value, at: new Date(0) },
      dir: '/store/site',
    };
    const nodes = buildTreeModel({ certificates: [{ name: 'site', domains: ['example.test'] }], records: [record], signfile: new Map(), now: new Date(0), t: formatMessage });
    for (const text of texts(nodes)) expect(unsafeForDisplay(text), JSON.stringify(text.slice(0, 120))).toBeUndefined();
  });

  it.each(cases)('finding 2: the log writes a handle with %s as one escaped line', (_label, value) => {
    const lines: string[] = [];
    const at = (message: string | Error) => lines.push(String(message));
    const log: Logger = { trace: at, debug: at, info: at, warn: at, error: at };
    logLifecycleEvent(log, { type: 'pending', certificate: 'site', handleId: value, waitMs: 1000 });
    logLifecycleEvent(log, { type: 'retrieving', certificate: 'site', handleId: value });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(unsafeForDisplay(line), JSON.stringify(line.slice(0, 120))).toBeUndefined();
  });

  it.each(cases)('hostile strings: the error messages the extension shows quote %s escaped, on one line', (_label, value) => {
    const errors = [
      new CaError(107, value),
      new CaError(108, undefined, { handleId: value }),
      new ProtocolError('PROTOCOL_NOT_JSON', `The answer is not JSON: ${value}`),
      new StoreError('STORE_PENDING_EXISTS', `pending: ${value}`, { certificate: 'site', handleId: value }),
      new Error(value),
    ];
    for (const error of errors) {
      const message = describeError(error, formatMessage);
      // showErrorMessage renders one notification: a line break there is a forged second line.
      expect(message.includes('\n'), JSON.stringify(message.slice(0, 120))).toBe(false);
      expect(unsafeForDisplay(message, 5000), JSON.stringify(message.slice(0, 120))).toBeUndefined();
    }
  });
});

