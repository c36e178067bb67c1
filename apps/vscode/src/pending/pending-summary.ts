/**
 * The pending tracker in words: the status-bar tooltip (which certificates wait, when each is
 * asked for next, the interval and the settings that change it) and the answer of a manual
 * "Retrieve Pending" for each application. Pure: the edge shows the strings.
 */
import { displayText } from '@acmapi/core/text';
import type { Localize } from '../l10n/localize.js';
import { backoffMinutes, type PollBackoff, type PollReport, type ScheduledPoll } from './poller.js';

const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * A time as the user reads a clock: `14:05` in the extension host's time zone, with the day
 * (`2026-12-03 14:05`) when it is not today.
 */
export function clockTime(date: Date, now: Date): string {
  const day = (value: Date): string => `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return day(date) === day(now) ? time : `${day(date)} ${time}`;
}

/** `2 min`, `1 h`, `1 h 30 min`: an interval given in minutes. */
export function minutesText(minutes: number, t: Localize): string {
  const whole = Math.round(minutes);
  if (whole < 60) return t('{0} min', whole);
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? t('{0} h', hours) : t('{0} h {1} min', hours, rest);
}

/** The line of one tracked application: `slow (handle H-1): next check at 14:05, every 4 min`. */
export function scheduleLine(entry: ScheduledPoll, now: Date, t: Localize): string {
  const name = displayText(entry.item.certificateName);
  const handle = displayText(entry.item.handleId);
  return entry.nextCheckAt === undefined
    ? t('{0} (handle {1}): asking the CA now', name, handle)
    : t('{0} (handle {1}): next check at {2}, then every {3} at most', name, handle, clockTime(entry.nextCheckAt, now), minutesText(entry.intervalMinutes, t));
}

/**
 * The status-bar item's tooltip: the count, one line per pending application, and the poll
 * interval with the settings that change it.
 */
export function pendingTooltip(schedule: readonly ScheduledPoll[], backoff: PollBackoff, now: Date, t: Localize): string {
  return [
    t('{0} certificate(s) wait for the CA. Click to retrieve now.', schedule.length),
    ...schedule.map((entry) => scheduleLine(entry, now, t)),
    t('Poll interval: first after {0}, then doubling up to {1} (settings acmapi.pending.firstPoll and acmapi.pending.maxPollInterval).', minutesText(backoffMinutes(0, backoff), t), minutesText(backoffMinutes(30, backoff), t)),
  ].join('\n');
}

/** How a report is shown: an information, a warning (busy) or an error. */
export interface ReportMessage {
  readonly severity: 'info' | 'warning' | 'error';
  readonly text: string;
}

/**
 * What a manual "Retrieve Pending" says about one application (issue 12: it always reports).
 * `describe` turns an error into the extension's words.
 */
export function reportMessage(report: PollReport, now: Date, t: Localize, describe: (error: unknown) => string): ReportMessage {
  const name = displayText(report.item.certificateName);
  const next = report.nextCheckAt === undefined ? undefined : clockTime(report.nextCheckAt, now);
  switch (report.kind) {
    case 'answered':
      switch (report.outcome.status) {
        case 'issued':
          return { severity: 'info', text: t('Certificate {0} was issued; valid until {1}.', name, report.outcome.notAfter.toISOString().slice(0, 10)) };
        case 'refused':
          return { severity: 'warning', text: t('The CA refused certificate {0}: {1}', name, displayText(report.outcome.message)) };
        case 'pending':
          return { severity: 'info', text: next === undefined ? t('Certificate {0} is still pending at the CA.', name) : t('Certificate {0} is still pending at the CA; next check at {1}.', name, next) };
      }
      break;
    case 'busy':
      return {
        severity: 'warning',
        text: next === undefined ? t('Another window (or an acmapi command) is working on certificate {0} right now; try again in a moment.', name) : t('Another window (or an acmapi command) is working on certificate {0} right now; this window checks again at {1}.', name, next),
      };
    case 'error':
      return {
        severity: 'error',
        text: next === undefined ? t('Asking the CA about certificate {0} failed: {1}', name, describe(report.error)) : t('Asking the CA about certificate {0} failed: {1} Next check at {2}.', name, describe(report.error), next),
      };
  }
}
