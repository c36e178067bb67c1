/**
 * Fleet simulation with an injected clock and a seeded PRNG (issue 10, "Fleet timing"):
 * 10,000 certificates issued in the same second, each on its own host that runs `renew` from a
 * systemd timer. A host attempts a renewal at a run when the run is at or after the certificate's
 * chosen renewal time ({@link chooseRenewalTime}) and not inside its backoff ({@link nextAttemptAt});
 * a CA outage fails every attempt inside it. Measured: the largest share of the fleet renewed
 * in one minute, and the latest renewal as a fraction of the lifetime.
 */
import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from './backoff.js';
import type { CertificateValidity } from './needs-renewal.js';
import { chooseRenewalTime, renewalWindow } from './renewal-time.js';
import type { RenewalWindow } from './renewal-time.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const FLEET = 10_000;
/** The second all certificates are issued in: not aligned to any timer. */
const ISSUED_AT = Date.UTC(2030, 0, 1, 7, 13, 29);

/** mulberry32 (Tommy Ettinger): a small seeded PRNG with 32-bit state, numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A host's schedule, as a systemd timer: `OnCalendar` every `periodMs` from midnight UTC, then
 * `RandomizedDelaySec` = `randomizedDelayMs`. systemd draws the delay anew at each run unless
 * `FixedRandomDelay=yes` (`fixedRandomDelay`: one delay per host).
 */
interface HostTimer {
  periodMs: number;
  randomizedDelayMs: number;
  fixedRandomDelay: boolean;
}

/** Debian's certbot.timer: `OnCalendar=*-*-* 00,12:00:00`, `RandomizedDelaySec=43200`. */
const DEBIAN_CERTBOT_TIMER: HostTimer = { periodMs: 12 * HOUR_MS, randomizedDelayMs: 12 * HOUR_MS, fixedRandomDelay: false };
/** The same with `FixedRandomDelay=yes`: each host at its own fixed offset. */
const FIXED_OFFSET_TIMER: HostTimer = { ...DEBIAN_CERTBOT_TIMER, fixedRandomDelay: true };
/** `OnCalendar=hourly`, `RandomizedDelaySec=3600`: what certificates under 10 days need. */
const HOURLY_TIMER: HostTimer = { periodMs: HOUR_MS, randomizedDelayMs: HOUR_MS, fixedRandomDelay: false };
/** A host that checks every minute: the spread then comes from the chosen renewal times alone. */
const EVERY_MINUTE: HostTimer = { periodMs: MINUTE_MS, randomizedDelayMs: 0, fixedRandomDelay: true };
/** `0 0,12 * * *` in every host's crontab, no random sleep: every host runs in the same minute. */
const SYNCHRONISED_CRON: HostTimer = { periodMs: 12 * HOUR_MS, randomizedDelayMs: 0, fixedRandomDelay: true };

type Choose = (validity: CertificateValidity, random: () => number) => Date;

interface FleetOptions {
  lifetimeMs: number;
  timer: HostTimer;
  choose?: Choose;
  /** Every attempt in `[startMs, startMs + durationMs)` fails. */
  outage?: { startMs: number; durationMs: number };
  seed?: number;
}

interface FleetResult {
  /** The largest number of renewals in one clock minute, as a share of the fleet. */
  maxPerMinuteShare: number;
  /** The latest renewal, as a fraction of the lifetime after notBefore. */
  latestFraction: number;
  /** Failed attempts across the fleet. */
  failures: number;
}

function simulateFleet({ lifetimeMs, timer, choose = chooseRenewalTime, outage, seed = 1 }: FleetOptions): FleetResult {
  const random = mulberry32(seed);
  const validity = { notBefore: new Date(ISSUED_AT), notAfter: new Date(ISSUED_AT + lifetimeMs) };
  const perMinute = new Map<number, number>();
  let latest = 0;
  let failures = 0;
  for (let host = 0; host < FLEET; host++) {
    const renewAt = choose(validity, random).getTime();
    const fixedDelay = random() * timer.randomizedDelayMs;
    let eligibleAt = renewAt;
    let failuresInARow = 0;
    // The first timer slot whose run can fall at or after renewAt; runs are in time order
    // because the randomized delay is never longer than the period.
    for (let slot = Math.floor((renewAt - timer.randomizedDelayMs) / timer.periodMs); ; slot++) {
      const run = slot * timer.periodMs + (timer.fixedRandomDelay ? fixedDelay : random() * timer.randomizedDelayMs);
      if (run < eligibleAt) continue;
      if (outage !== undefined && run >= outage.startMs && run < outage.startMs + outage.durationMs) {
        failures++;
        failuresInARow++;
        eligibleAt = nextAttemptAt(failuresInARow, new Date(run), validity.notAfter).getTime();
        continue;
      }
      const minute = Math.floor(run / MINUTE_MS);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
      latest = Math.max(latest, run);
      break;
    }
  }
  return { maxPerMinuteShare: Math.max(...perMinute.values()) / FLEET, latestFraction: (latest - ISSUED_AT) / lifetimeMs, failures };
}

/**
 * Start times of a 48-hour outage to sweep: every 12 hours from 48 hours before the window (an
 * outage that ends as it opens) to 24 hours after it (when the last certificates' first run
 * may come), and every 2 hours around the window's end, where the worst case lies: the latest
 * certificates meeting the outage at their first run.
 */
function outageStarts(window: RenewalWindow): number[] {
  const starts = new Set<number>();
  for (let at = window.start - 48 * HOUR_MS; at <= window.end + 24 * HOUR_MS; at += 12 * HOUR_MS) starts.add(at);
  for (let at = window.end - 24 * HOUR_MS; at <= window.end + 24 * HOUR_MS; at += 2 * HOUR_MS) starts.add(at);
  return [...starts];
}

/** The worst latest renewal over the outages of {@link outageStarts}. */
function worstOverOutages(lifetimeMs: number, timer: HostTimer, window: RenewalWindow, choose?: Choose): FleetResult & { worstStartMs: number } {
  let worst = { maxPerMinuteShare: 0, latestFraction: 0, failures: 0, worstStartMs: Number.NaN };
  for (const startMs of outageStarts(window)) {
    const result = simulateFleet({ lifetimeMs, timer, outage: { startMs, durationMs: 48 * HOUR_MS }, ...(choose === undefined ? {} : { choose }) });
    if (result.latestFraction > worst.latestFraction) worst = { ...result, worstStartMs: startMs };
  }
  return worst;
}

const windowOf = (lifetimeMs: number) => renewalWindow({ notBefore: new Date(ISSUED_AT), notAfter: new Date(ISSUED_AT + lifetimeMs) });

describe('fleet simulation: 10,000 certificates issued in the same second', () => {
  describe.each([
    ['6 days', 6 * DAY_MS],
    ['47 days (BR SC-081 from 2029)', 47 * DAY_MS],
    ['90 days', 90 * DAY_MS],
    ['200 days (BR SC-081 from 2026)', 200 * DAY_MS],
  ])('a lifetime of %s', (_name, lifetimeMs) => {
    it('renews with no minute holding more than 1 % of the fleet (Debian certbot.timer hosts)', () => {
      const result = simulateFleet({ lifetimeMs, timer: DEBIAN_CERTBOT_TIMER });
      expect(result.failures).toBe(0);
      expect(result.maxPerMinuteShare).toBeLessThanOrEqual(0.01);
    });

    it('renews with no minute holding more than 1 % even when hosts check every minute (the window alone spreads them)', () => {
      expect(simulateFleet({ lifetimeMs, timer: EVERY_MINUTE }).maxPerMinuteShare).toBeLessThanOrEqual(0.01);
      expect(simulateFleet({ lifetimeMs, timer: FIXED_OFFSET_TIMER }).maxPerMinuteShare).toBeLessThanOrEqual(0.01);
    });
  });

  it('has teeth: one renewal moment for all, or cron in the same minute everywhere, breaks the 1 % bound', () => {
    const oneMoment: Choose = ({ notBefore, notAfter }) => new Date(notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3);
    expect(simulateFleet({ lifetimeMs: 90 * DAY_MS, timer: EVERY_MINUTE, choose: oneMoment }).maxPerMinuteShare).toBe(1);
    // Our window cannot help hosts that all run in the same minute: the schedule must spread them.
    expect(simulateFleet({ lifetimeMs: 90 * DAY_MS, timer: SYNCHRONISED_CRON }).maxPerMinuteShare).toBeGreaterThan(0.1);
  });

  describe.each([
    ['47 days', 47 * DAY_MS],
    ['90 days', 90 * DAY_MS],
    ['200 days', 200 * DAY_MS],
  ])('a lifetime of %s through a 48-hour CA outage at the worst moment', (_name, lifetimeMs) => {
    it('renews every certificate before 80 % of its lifetime, retrying through nextAttemptAt', () => {
      const worst = worstOverOutages(lifetimeMs, DEBIAN_CERTBOT_TIMER, windowOf(lifetimeMs));
      expect(worst.failures).toBeGreaterThan(0);
      expect(worst.latestFraction).toBeLessThan(0.8);
    });
  });

  it('has teeth: renewing at 79 % of the lifetime fails the 80 % bound in the same simulation', () => {
    const lifetimeMs = 90 * DAY_MS;
    const at79: Choose = ({ notBefore, notAfter }) => new Date(notBefore.getTime() + (notAfter.getTime() - notBefore.getTime()) * 0.79);
    const moment = ISSUED_AT + lifetimeMs * 0.79;
    const worst = worstOverOutages(lifetimeMs, DEBIAN_CERTBOT_TIMER, { start: moment, end: moment }, at79);
    expect(worst.latestFraction).toBeGreaterThan(0.8);
  });

  it('6-day certificates renew before expiry through a 48-hour outage when renew runs hourly', () => {
    // 80 % is out of reach below 171 hours: the latest renew at 52 % of the lifetime, and 52 % + 48 h > 80 %.
    const lifetimeMs = 6 * DAY_MS;
    const hourly = worstOverOutages(lifetimeMs, HOURLY_TIMER, windowOf(lifetimeMs));
    expect(hourly.latestFraction).toBeLessThan(0.95);
    // Twice a day is not enough for them: the same outage lets some expire.
    expect(worstOverOutages(lifetimeMs, DEBIAN_CERTBOT_TIMER, windowOf(lifetimeMs)).latestFraction).toBeGreaterThan(1);
  });
});
