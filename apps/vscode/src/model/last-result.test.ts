import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMessage, type Localize } from '../l10n/localize.js';
import { LastResult, type FollowUp } from './last-result.js';

const t = formatMessage;
const zhBundle = JSON.parse(readFileSync(new URL('../../l10n/bundle.l10n.zh-cn.json', import.meta.url), 'utf8')) as Record<string, string>;
const zh: Localize = (message, ...args) => formatMessage(zhBundle[message] ?? message, ...args);
const AT = new Date('2026-12-02T14:05:00Z');

function issued(ran: string[]): FollowUp {
  return {
    severity: 'info',
    message: 'Certificate site was issued; valid until 2027-03-02.',
    summary: 'site issued',
    actions: [
      {
        title: 'Show Details',
        run: () => {
          ran.push('details');
          return undefined;
        },
      },
    ],
  };
}

describe('LastResult (follow-ups that outlive the toast)', () => {
  it('shows nothing before a result, and keeps no result without follow-ups', () => {
    const last = new LastResult();
    expect(last.status(t)).toBeUndefined();
    expect(last.picks(t)).toEqual([]);
    last.record({ severity: 'info', message: 'done', summary: 'done', actions: [] }, AT);
    expect(last.status(t)).toBeUndefined();
  });

  it('keeps the result as a status-bar entry: its summary, the toast\'s text and its follow-ups in the tooltip', () => {
    const last = new LastResult();
    last.record(issued([]), AT);
    expect(last.status(t)).toEqual({
      text: '$(bell-dot) site issued',
      tooltip: 'Certificate site was issued; valid until 2027-03-02.\n\nAt 2026-12-02 14:05 UTC. Click for: Show Details.',
      warning: false,
    });
    expect(last.status(zh)?.tooltip).toContain('单击可选择：Show Details');
  });

  it('offers the same follow-ups again, then Dismiss; a follow-up runs and the entry stays', async () => {
    const ran: string[] = [];
    const last = new LastResult();
    last.record(issued(ran), AT);
    const [details, dismiss] = last.picks(t);
    expect([details?.label, dismiss?.label]).toEqual(['Show Details', 'Dismiss']);
    if (details !== undefined) await last.choose(details);
    expect(ran).toEqual(['details']);
    expect(last.current?.summary).toBe('site issued');
    expect(last.picks(zh).at(-1)?.label).toBe('关闭');
  });

  it('Dismiss hides the entry', () => {
    const last = new LastResult();
    last.record(issued([]), AT);
    const dismiss = last.picks(t).at(-1);
    expect(dismiss?.action).toBe('dismiss');
    if (dismiss !== undefined) void last.choose(dismiss);
    expect(last.current).toBeUndefined();
    expect(last.status(t)).toBeUndefined();
  });

  it('a newer result replaces the older one; a warning is marked as one', () => {
    const last = new LastResult();
    last.record(issued([]), AT);
    last.record({ severity: 'warning', message: 'Renew waits.', summary: 'site: Renew waits after failures', actions: [{ title: 'Try now', run: () => undefined }] }, AT);
    expect(last.status(t)).toMatchObject({ text: '$(warning) site: Renew waits after failures', warning: true });
    expect(last.picks(t).map((pick) => pick.label)).toEqual(['Try now', 'Dismiss']);
  });
});
