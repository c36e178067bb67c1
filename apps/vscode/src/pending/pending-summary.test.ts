import { describe, expect, it } from 'vitest';
import { formatMessage as t } from '../l10n/localize.js';
import { clockTime, minutesText, pendingTooltip, reportMessage } from './pending-summary.js';
import type { PollReport } from './poller.js';

// Local times: the helpers show the extension host's clock, so the tests build local dates.
const at = (hours: number, minutes: number, day = 2): Date => new Date(2026, 11, day, hours, minutes);
const item = { certificateName: 'slow', handleId: 'H-1' };

describe('pending summary', () => {
  it('shows a clock time, with the day only when it is not today', () => {
    expect(clockTime(at(14, 5), at(13, 0))).toBe('14:05');
    expect(clockTime(at(0, 30, 3), at(23, 50))).toBe('2026-12-03 00:30');
  });

  it('writes intervals in minutes and hours', () => {
    expect([minutesText(2, t), minutesText(60, t), minutesText(90, t)]).toEqual(['2 min', '1 h', '1 h 30 min']);
  });

  it('lists every pending certificate in the status-bar tooltip, with its next check and the settings of the interval', () => {
    const tooltip = pendingTooltip(
      [
        { item, nextCheckAt: at(14, 5), intervalMinutes: 4 },
        { item: { certificateName: 'other\u001b[31m', handleId: 'H-2' }, nextCheckAt: undefined, intervalMinutes: 2 },
      ],
      { firstMinutes: 2, maxMinutes: 60 },
      at(14, 1),
      t,
    ).split('\n');
    expect(tooltip[0]).toBe('2 certificate(s) wait for the CA. Click to retrieve now.');
    expect(tooltip[1]).toBe('slow (handle H-1): next check at 14:05, then every 4 min at most');
    // A hostile name from the store is escaped, not passed to the UI raw.
    expect(tooltip[2]).not.toContain('\u001b');
    expect(tooltip[2]).toContain('asking the CA now');
    expect(tooltip[3]).toContain('first after 2 min, then doubling up to 1 h');
    expect(tooltip[3]).toContain('acmapi.pending.firstPoll');
  });

  it('always has words for a manual retrieve: still pending with the next check, busy elsewhere, failed, issued', () => {
    const now = at(14, 0);
    const describe = (error: unknown): string => (error as Error).message;
    const reports: PollReport[] = [
      { item, kind: 'answered', outcome: { status: 'pending' }, nextCheckAt: at(14, 5) },
      { item, kind: 'busy', error: new Error('STORE_LOCKED'), nextCheckAt: at(14, 2) },
      { item, kind: 'error', error: new Error('The CA did not answer.'), nextCheckAt: at(14, 4) },
      { item, kind: 'answered', outcome: { status: 'issued', notAfter: new Date('2027-03-01T00:00:00Z') }, nextCheckAt: undefined },
    ];
    expect(reports.map((report) => reportMessage(report, now, t, describe))).toEqual([
      { severity: 'info', text: 'Certificate slow is still pending at the CA; next check at 14:05.' },
      { severity: 'warning', text: 'Another window (or an acmapi command) is working on certificate slow right now; this window checks again at 14:02.' },
      { severity: 'error', text: 'Asking the CA about certificate slow failed: The CA did not answer. Next check at 14:04.' },
      { severity: 'info', text: 'Certificate slow was issued; valid until 2027-03-01.' },
    ]);
  });
});
