import { describe, expect, it } from 'vitest';
import { backoffMinutes, DEFAULT_POLL_BACKOFF, PendingPoller, pollBackoffFromSettings, type PendingItem, type PollOutcome, type PollerTimers } from './poller.js';

/** Timers that record what is scheduled and fire only when the test says so. */
class ManualTimers implements PollerTimers {
  readonly scheduled = new Map<number, { callback: () => void; ms: number }>();
  #next = 1;

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#next++;
    this.scheduled.set(id, { callback, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  delays(): number[] {
    return [...this.scheduled.values()].map((entry) => entry.ms);
  }

  /** Fires every timer due now and lets the polls they start settle. */
  async fireAll(): Promise<void> {
    const due = [...this.scheduled.entries()];
    for (const [id, entry] of due) {
      this.scheduled.delete(id);
      entry.callback();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const MINUTE = 60_000;

function harness(initial: PendingItem[], answer: (item: PendingItem, call: number) => PollOutcome | Error) {
  const timers = new ManualTimers();
  let items = initial;
  const calls: string[] = [];
  const counts: number[] = [];
  const outcomes: string[] = [];
  const errors: string[] = [];
  const poller = new PendingPoller({
    list: () => Promise.resolve(items),
    retrieve: (item) => {
      calls.push(item.handleId);
      const result = answer(item, calls.length);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
    onCount: (count) => counts.push(count),
    onOutcome: (item, outcome) => outcomes.push(`${item.certificateName}:${outcome.status}`),
    onError: (item) => errors.push(item.handleId),
    backoff: { firstMinutes: 2, maxMinutes: 60 },
    timers,
  });
  return {
    poller,
    timers,
    calls,
    counts,
    outcomes,
    errors,
    setItems: (next: PendingItem[]) => {
      items = next;
    },
  };
}

describe('backoffMinutes', () => {
  it('doubles from the first wait and stops at the longest, in minutes', () => {
    const schedule = Array.from({ length: 8 }, (_, attempt) => backoffMinutes(attempt, { firstMinutes: 2, maxMinutes: 60 }));
    expect(schedule).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('never polls more often than once a minute, whatever the settings', () => {
    expect(backoffMinutes(0, { firstMinutes: 0, maxMinutes: 0 })).toBe(1);
    expect(backoffMinutes(5, { firstMinutes: 0.01, maxMinutes: 0.5 })).toBe(1);
  });
});

describe('PendingPoller', () => {
  it('schedules the first poll of each pending handle after firstMinutes and reports the count', async () => {
    const h = harness([{ certificateName: 'a', handleId: 'h1' }, { certificateName: 'b', handleId: 'h2' }], () => ({ status: 'pending' }));
    await h.poller.sync();
    expect(h.timers.delays()).toEqual([2 * MINUTE, 2 * MINUTE]);
    expect(h.counts).toEqual([2]);
    expect(h.calls).toEqual([]);
  });

  it('backs off while the application stays pending: 2, 4, 8 minutes', async () => {
    const h = harness([{ certificateName: 'a', handleId: 'h1' }], () => ({ status: 'pending' }));
    await h.poller.sync();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(...h.timers.delays());
      await h.timers.fireAll();
    }
    expect(seen).toEqual([2 * MINUTE, 4 * MINUTE, 8 * MINUTE]);
    expect(h.calls).toEqual(['h1', 'h1', 'h1']);
    expect(h.timers.delays()).toEqual([16 * MINUTE]);
  });

  it('backs off after a failed poll too, and tells about the failure', async () => {
    const h = harness([{ certificateName: 'a', handleId: 'h1' }], () => new Error('ECONNREFUSED'));
    await h.poller.sync();
    await h.timers.fireAll();
    expect(h.errors).toEqual(['h1']);
    expect(h.timers.delays()).toEqual([4 * MINUTE]);
  });

  it('stops polling a handle once it is issued or refused, and reports the new count', async () => {
    const h = harness([{ certificateName: 'a', handleId: 'h1' }, { certificateName: 'b', handleId: 'h2' }], (item) =>
      item.handleId === 'h1' ? { status: 'issued', notAfter: new Date('2030-04-01T00:00:00Z') } : { status: 'refused', message: '109' },
    );
    await h.poller.sync();
    await h.timers.fireAll();
    expect(h.outcomes.sort()).toEqual(['a:issued', 'b:refused']);
    expect(h.timers.delays()).toEqual([]);
    expect(h.poller.pending).toEqual([]);
    expect(h.counts.at(-1)).toBe(0);
  });

  it('"Retrieve now" polls at once, only the certificate asked for, and keeps the backoff going', async () => {
    const h = harness([{ certificateName: 'a', handleId: 'h1' }, { certificateName: 'b', handleId: 'h2' }], () => ({ status: 'pending' }));
    await h.poller.sync();
    await h.poller.pollNow('b');
    expect(h.calls).toEqual(['h2']);
    expect(h.timers.delays().sort((x, y) => x - y)).toEqual([2 * MINUTE, 4 * MINUTE]);
  });

  it('a changed poll interval (the setting) reschedules the waiting handles at once', async () => {
    const h = harness([{ certificateName: 'a', handleId: 'h1' }], () => ({ status: 'pending' }));
    await h.poller.sync();
    await h.timers.fireAll();
    expect(h.timers.delays()).toEqual([4 * MINUTE]);
    h.poller.setBackoff({ firstMinutes: 1, maxMinutes: 2 });
    expect(h.timers.delays()).toEqual([2 * MINUTE]);
    expect(h.poller.schedule.map((entry) => entry.intervalMinutes)).toEqual([2]);
  });

  it('picks up new pending applications and drops those gone from the store on sync', async () => {
    const h = harness([{ certificateName: 'a', handleId: 'h1' }], () => ({ status: 'pending' }));
    await h.poller.sync();
    h.setItems([{ certificateName: 'b', handleId: 'h2' }]);
    await h.poller.sync();
    expect(h.poller.pending).toEqual([{ certificateName: 'b', handleId: 'h2' }]);
    expect(h.timers.scheduled.size).toBe(1);
  });

  it('clears every timer on dispose and ignores answers that arrive afterwards', async () => {
    let release: (outcome: PollOutcome) => void = () => undefined;
    const timers = new ManualTimers();
    const outcomes: string[] = [];
    const poller = new PendingPoller({
      list: () => Promise.resolve([{ certificateName: 'a', handleId: 'h1' }]),
      retrieve: () =>
        new Promise<PollOutcome>((resolve) => {
          release = resolve;
        }),
      onOutcome: (_item, outcome) => outcomes.push(outcome.status),
      timers,
    });
    await poller.sync();
    const polling = poller.pollNow();
    await new Promise((resolve) => setImmediate(resolve));
    poller.dispose();
    release({ status: 'issued', notAfter: new Date() });
    await polling;
    expect(timers.scheduled.size).toBe(0);
    expect(outcomes).toEqual([]);
  });
});

describe('PendingPoller: a manual retrieve always has an outcome to report', () => {
  const T0 = Date.parse('2026-12-02T14:00:00Z');
  const busyError = Object.assign(new Error('locked'), { code: 'STORE_LOCKED' });

  function reporting(answer: () => PollOutcome | Error) {
    const timers = new ManualTimers();
    const schedules: string[][] = [];
    const poller = new PendingPoller({
      list: () => Promise.resolve([{ certificateName: 'a', handleId: 'h1' }]),
      retrieve: () => {
        const result = answer();
        return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
      },
      isBusy: (error) => (error as { code?: string }).code === 'STORE_LOCKED',
      onSchedule: (schedule) => schedules.push(schedule.map((entry) => `${entry.item.handleId}@${entry.nextCheckAt?.toISOString() ?? 'now'}`)),
      now: () => T0,
      backoff: { firstMinutes: 2, maxMinutes: 60 },
      timers,
    });
    return { poller, timers, schedules };
  }

  it('still pending: says when the next check is (4 minutes after the first poll at 14:00)', async () => {
    const h = reporting(() => ({ status: 'pending' }));
    await h.poller.sync();
    expect(h.poller.schedule.map((entry) => [entry.nextCheckAt?.toISOString(), entry.intervalMinutes])).toEqual([['2026-12-02T14:02:00.000Z', 2]]);
    const [report] = await h.poller.pollNow('a');
    expect(report?.kind).toBe('answered');
    expect(report?.nextCheckAt?.toISOString()).toBe('2026-12-02T14:04:00.000Z');
    // The schedule was announced while the poll ran (no next check) and after it.
    expect(h.schedules.slice(-2)).toEqual([['h1@now'], ['h1@2026-12-02T14:04:00.000Z']]);
  });

  it('another window holds the lock: reported as busy, not as a failure, and the wait does not grow', async () => {
    const h = reporting(() => busyError);
    await h.poller.sync();
    const [report] = await h.poller.pollNow();
    expect(report?.kind).toBe('busy');
    expect(report?.nextCheckAt?.toISOString()).toBe('2026-12-02T14:02:00.000Z');
    expect(h.timers.delays()).toEqual([2 * MINUTE]);
  });

  it('another failure: reported with its error, and the wait grows', async () => {
    const h = reporting(() => new Error('ECONNREFUSED'));
    await h.poller.sync();
    const [report] = await h.poller.pollNow();
    expect(report?.kind).toBe('error');
    expect(report?.kind === 'error' ? (report.error as Error).message : '').toBe('ECONNREFUSED');
    expect(h.timers.delays()).toEqual([4 * MINUTE]);
  });

  it('issued: reported, and no next check remains', async () => {
    const h = reporting(() => ({ status: 'issued', notAfter: new Date('2027-03-01T00:00:00Z') }));
    await h.poller.sync();
    const reports = await h.poller.pollNow('a');
    expect(reports.map((report) => [report.kind, report.kind === 'answered' ? report.outcome.status : '', report.nextCheckAt])).toEqual([['answered', 'issued', undefined]]);
    expect(h.poller.schedule).toEqual([]);
  });

  it('nothing of that certificate is pending: an empty list, not silence', async () => {
    const h = reporting(() => ({ status: 'pending' }));
    await h.poller.sync();
    expect(await h.poller.pollNow('other')).toEqual([]);
  });
});

describe('pollBackoffFromSettings', () => {
  it('reads the settings as durations in core\'s one syntax, and falls back to the defaults for anything else', () => {
    expect(pollBackoffFromSettings('2m', '1h')).toEqual({ firstMinutes: 2, maxMinutes: 60 });
    expect(pollBackoffFromSettings('90s', '2h')).toEqual({ firstMinutes: 1.5, maxMinutes: 120 });
    expect(pollBackoffFromSettings('5', 'soon')).toEqual(DEFAULT_POLL_BACKOFF);
  });
});
