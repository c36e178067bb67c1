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
  /** @default DEFAULT_POLL_BACKOFF */
  readonly backoff?: PollBackoff;
  /** @default globalThis setTimeout / clearTimeout */
  readonly timers?: PollerTimers;
}

interface Tracked {
  item: PendingItem;
  attempt: number;
  timer: unknown;
  polling: Promise<void> | undefined;
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

  /** Changes the backoff; applies from each handle's next poll. */
  setBackoff(backoff: PollBackoff): void {
    this.#backoff = backoff;
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
        const tracked: Tracked = { item, attempt: 0, timer: undefined, polling: undefined };
        this.#tracked.set(id, tracked);
        this.#schedule(tracked);
      }
    }
    for (const [id, tracked] of this.#tracked) {
      if (!seen.has(id)) this.#drop(id, tracked);
    }
    this.#options.onCount?.(this.#tracked.size);
  }

  /**
   * Polls at once (every tracked handle, or those of `certificateName`) and waits for the
   * answers. A handle still pending afterwards keeps backing off from where it was.
   */
  async pollNow(certificateName?: string): Promise<void> {
    await this.sync();
    const targets = [...this.#tracked.values()].filter((tracked) => certificateName === undefined || tracked.item.certificateName === certificateName);
    await Promise.all(targets.map((tracked) => this.#poll(tracked)));
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
    tracked.timer = this.#timers.setTimeout(() => {
      tracked.timer = undefined;
      void this.#poll(tracked);
    }, delayMs);
  }

  #drop(id: string, tracked: Tracked): void {
    if (tracked.timer !== undefined) this.#timers.clearTimeout(tracked.timer);
    tracked.timer = undefined;
    this.#tracked.delete(id);
  }

  #poll(tracked: Tracked): Promise<void> {
    // One poll per handle at a time: "Retrieve now" while a timer's poll runs joins it.
    tracked.polling ??= this.#pollOnce(tracked).finally(() => {
      tracked.polling = undefined;
    });
    return tracked.polling;
  }

  async #pollOnce(tracked: Tracked): Promise<void> {
    const id = key(tracked.item);
    if (tracked.timer !== undefined) {
      this.#timers.clearTimeout(tracked.timer);
      tracked.timer = undefined;
    }
    let outcome: PollOutcome;
    try {
      outcome = await this.#options.retrieve(tracked.item, this.#abort.signal);
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#options.onError?.(tracked.item, error);
      tracked.attempt += 1;
      this.#schedule(tracked);
      return;
    }
    if (this.#abort.signal.aborted) return;
    this.#options.onOutcome?.(tracked.item, outcome);
    if (outcome.status === 'pending') {
      tracked.attempt += 1;
      this.#schedule(tracked);
      return;
    }
    this.#drop(id, tracked);
    this.#options.onCount?.(this.#tracked.size);
  }
}
