/**
 * The pending tracker: every application the store holds as pending (spec §3 status 1) is
 * asked for again in the background, with a backoff in minutes — a person at the CA signs
 * pending certificates, which takes hours, so polling every few seconds would only load the
 * CA. Free of `vscode`: the clock, the timers, the store listing and the retrieve call are
 * passed in, so tests drive it without waiting.
 */
import { parseDuration } from '@acmapi/core';

/** The backoff of polls, in minutes. */
export interface PollBackoff {
  /**
   * Minutes before the first poll of a handle; each later poll waits twice as long.
   * @default 2
   */
  readonly firstMinutes: number;
  /**
   * The longest wait between polls, minutes.
   * @default 60
   */
  readonly maxMinutes: number;
}

/** Defaults of {@link PollBackoff}. */
export const DEFAULT_POLL_BACKOFF: PollBackoff = { firstMinutes: 2, maxMinutes: 60 };

const MINUTE_MS = 60_000;

/**
 * The backoff of the settings `acmapi.pending.firstPoll` and `acmapi.pending.maxPollInterval`,
 * durations in core's one syntax (`2m`, `1h`); a value that is not a duration falls back to
 * its default (VS Code flags it in the settings editor already).
 */
export function pollBackoffFromSettings(firstPoll: string, maxPollInterval: string): PollBackoff {
  const minutes = (text: string, fallback: number): number => {
    try {
      return parseDuration(text, { option: 'pending' }) / MINUTE_MS;
    } catch {
      return fallback;
    }
  };
  return { firstMinutes: minutes(firstPoll, DEFAULT_POLL_BACKOFF.firstMinutes), maxMinutes: minutes(maxPollInterval, DEFAULT_POLL_BACKOFF.maxMinutes) };
}

/**
 * Minutes to wait before poll number `attempt` (0 for the first) of a handle:
 * `firstMinutes × 2^attempt`, at most `maxMinutes`.
 */
export function backoffMinutes(attempt: number, backoff: PollBackoff = DEFAULT_POLL_BACKOFF): number {
  const first = Math.max(1, backoff.firstMinutes);
  const max = Math.max(first, backoff.maxMinutes);
  return Math.min(max, first * 2 ** Math.max(0, Math.min(attempt, 30)));
}

/** A pending application, as the store lists it. */
export interface PendingItem {
  readonly certificateName: string;
  readonly handleId: string;
}

/** What one poll learned. */
export type PollOutcome =
  /** The CA signed it; the certificate was installed. `notAfter` for the message. */
  | { readonly status: 'issued'; readonly notAfter: Date }
  /** Still waiting for a person at the CA. */
  | { readonly status: 'pending' }
  /** The CA refused it (status 109); the store retired the application. */
  | { readonly status: 'refused'; readonly message: string };

/** A tracked application and when it is asked for next. */
export interface ScheduledPoll {
  readonly item: PendingItem;
  /** When the next background poll runs; `undefined` while a poll is in flight. */
  readonly nextCheckAt: Date | undefined;
  /** The wait before that poll, minutes (the interval the user sees and sets). */
  readonly intervalMinutes: number;
}

/**
 * What one "retrieve now" learned for one application: the CA's answer, or why there is
 * none (the store's lock is held elsewhere, e.g. by another window: `busy`; any other
 * failure: `error`). `nextCheckAt`: the next background poll, when the application is still
 * tracked.
 */
export type PollReport =
  | { readonly item: PendingItem; readonly kind: 'answered'; readonly outcome: PollOutcome; readonly nextCheckAt: Date | undefined }
  | { readonly item: PendingItem; readonly kind: 'busy'; readonly error: unknown; readonly nextCheckAt: Date | undefined }
  | { readonly item: PendingItem; readonly kind: 'error'; readonly error: unknown; readonly nextCheckAt: Date | undefined };

/** Timers, injectable (tests record the delays instead of waiting). */
export interface PollerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link PendingPoller}. */
export interface PendingPollerOptions {
  /** The pending applications now in the store. */
  readonly list: () => Promise<readonly PendingItem[]>;
  /**
   * Asks the CA once for `item` and records the answer in the store. Throws for failures
   * that may pass (network, CA 111); those back off like a pending answer.
   */
  readonly retrieve: (item: PendingItem, signal: AbortSignal) => Promise<PollOutcome>;
  /** Called with the number of pending applications whenever it may have changed. */
  readonly onCount?: (count: number) => void;
  /** Called after each poll with its outcome. */
  readonly onOutcome?: (item: PendingItem, outcome: PollOutcome) => void;
  /** Called when a poll failed; the handle is polled again later. */
  readonly onError?: (item: PendingItem, error: unknown) => void;
  /** Called whenever the schedule changed (a poll planned, started or dropped). */
  readonly onSchedule?: (schedule: readonly ScheduledPoll[]) => void;
  /**
   * Whether `error` means another process holds the certificate (core's `STORE_LOCKED`):
   * reported as `busy`, not as a failure.
   * @default () => false
   */
  readonly isBusy?: (error: unknown) => boolean;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default DEFAULT_POLL_BACKOFF */
  readonly backoff?: PollBackoff;
  /** @default globalThis setTimeout / clearTimeout */
  readonly timers?: PollerTimers;
}

interface Tracked {
  item: PendingItem;
  attempt: number;
  timer: unknown;
  /** Epoch ms of the next background poll, while one is scheduled. */
  nextAt: number | undefined;
  polling: Promise<PollReport> | undefined;
}

const key = (item: PendingItem): string => `${item.certificateName}\u0000${item.handleId}`;

/** Polls every pending application of the store in the background. See the module comment. */
export class PendingPoller {
  readonly #options: PendingPollerOptions;
  readonly #timers: PollerTimers;
  readonly #tracked = new Map<string, Tracked>();
  readonly #abort = new AbortController();
  #backoff: PollBackoff;

  constructor(options: PendingPollerOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? DEFAULT_POLL_BACKOFF;
    this.#timers = options.timers ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => {
        clearTimeout(handle as ReturnType<typeof setTimeout>);
      },
    };
  }

  /** The applications tracked now. */
  get pending(): PendingItem[] {
    return [...this.#tracked.values()].map((tracked) => tracked.item);
  }

  /** Every tracked application with its next poll, soonest first. */
  get schedule(): ScheduledPoll[] {
    return [...this.#tracked.values()]
      .map((tracked) => ({
        item: tracked.item,
        nextCheckAt: tracked.nextAt === undefined ? undefined : new Date(tracked.nextAt),
        intervalMinutes: backoffMinutes(tracked.attempt, this.#backoff),
      }))
      .sort((a, b) => (a.nextCheckAt?.getTime() ?? 0) - (b.nextCheckAt?.getTime() ?? 0));
  }

  /**
   * Changes the backoff (the user changed a setting): each waiting handle is scheduled again
   * with its wait under the new backoff, counted from now, so a shorter interval takes
   * effect at once instead of after the old, longer wait.
   */
  setBackoff(backoff: PollBackoff): void {
    const same = backoff.firstMinutes === this.#backoff.firstMinutes && backoff.maxMinutes === this.#backoff.maxMinutes;
    this.#backoff = backoff;
    if (same) return;
    for (const tracked of this.#tracked.values()) if (tracked.timer !== undefined) this.#schedule(tracked);
    this.#changed();
  }

  /**
   * Reads the store's pending applications: new ones are scheduled (first poll after
   * `firstMinutes`), gone ones are dropped.
   */
  async sync(): Promise<void> {
    const items = await this.#options.list();
    if (this.#abort.signal.aborted) return;
    const seen = new Set<string>();
    for (const item of items) {
      const id = key(item);
      seen.add(id);
      if (!this.#tracked.has(id)) {
        const tracked: Tracked = { item, attempt: 0, timer: undefined, nextAt: undefined, polling: undefined };
        this.#tracked.set(id, tracked);
        this.#schedule(tracked);
      }
    }
    for (const [id, tracked] of this.#tracked) {
      if (!seen.has(id)) this.#drop(id, tracked);
    }
    this.#options.onCount?.(this.#tracked.size);
    this.#changed();
  }

  /**
   * Polls at once (every tracked handle, or those of `certificateName`) and waits for the
   * answers. A handle still pending afterwards keeps backing off from where it was.
   *
   * @returns one report per application asked for, so the caller can always say what
   *   happened (an empty list: nothing of `certificateName` is pending).
   */
  async pollNow(certificateName?: string): Promise<PollReport[]> {
    await this.sync();
    const targets = [...this.#tracked.values()].filter((tracked) => certificateName === undefined || tracked.item.certificateName === certificateName);
    return Promise.all(targets.map((tracked) => this.#poll(tracked)));
  }

  /** Stops every timer and aborts polls in flight. */
  dispose(): void {
    this.#abort.abort();
    for (const [id, tracked] of this.#tracked) this.#drop(id, tracked);
  }

  #schedule(tracked: Tracked): void {
    if (this.#abort.signal.aborted) return;
    if (tracked.timer !== undefined) this.#timers.clearTimeout(tracked.timer);
    const delayMs = backoffMinutes(tracked.attempt, this.#backoff) * MINUTE_MS;
    tracked.nextAt = this.#now() + delayMs;
    tracked.timer = this.#timers.setTimeout(() => {
      tracked.timer = undefined;
      void this.#poll(tracked);
    }, delayMs);
  }

  #drop(id: string, tracked: Tracked): void {
    if (tracked.timer !== undefined) this.#timers.clearTimeout(tracked.timer);
    tracked.timer = undefined;
    tracked.nextAt = undefined;
    this.#tracked.delete(id);
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #changed(): void {
    if (!this.#abort.signal.aborted) this.#options.onSchedule?.(this.schedule);
  }

  #report(tracked: Tracked, report: { kind: 'answered'; outcome: PollOutcome } | { kind: 'busy' | 'error'; error: unknown }): PollReport {
    const nextCheckAt = tracked.nextAt === undefined ? undefined : new Date(tracked.nextAt);
    this.#changed();
    return { item: tracked.item, ...report, nextCheckAt };
  }

  #poll(tracked: Tracked): Promise<PollReport> {
    // One poll per handle at a time: "Retrieve now" while a timer's poll runs joins it.
    tracked.polling ??= this.#pollOnce(tracked).finally(() => {
      tracked.polling = undefined;
    });
    return tracked.polling;
  }

  async #pollOnce(tracked: Tracked): Promise<PollReport> {
    const id = key(tracked.item);
    if (tracked.timer !== undefined) {
      this.#timers.clearTimeout(tracked.timer);
      tracked.timer = undefined;
    }
    tracked.nextAt = undefined;
    this.#changed();
    let outcome: PollOutcome;
    try {
      outcome = await this.#options.retrieve(tracked.item, this.#abort.signal);
    } catch (error) {
      const busy = this.#options.isBusy?.(error) === true;
      if (this.#abort.signal.aborted) return { item: tracked.item, kind: 'error', error, nextCheckAt: undefined };
      if (!busy) this.#options.onError?.(tracked.item, error);
      // Busy: another process asks the CA right now; the next attempt keeps the same wait.
      if (!busy) tracked.attempt += 1;
      this.#schedule(tracked);
      return this.#report(tracked, busy ? { kind: 'busy', error } : { kind: 'error', error });
    }
    if (this.#abort.signal.aborted) return { item: tracked.item, kind: 'answered', outcome, nextCheckAt: undefined };
    this.#options.onOutcome?.(tracked.item, outcome);
    if (outcome.status === 'pending') {
      tracked.attempt += 1;
      this.#schedule(tracked);
      return this.#report(tracked, { kind: 'answered', outcome });
    }
    this.#drop(id, tracked);
    this.#options.onCount?.(this.#tracked.size);
    return this.#report(tracked, { kind: 'answered', outcome });
  }
}
