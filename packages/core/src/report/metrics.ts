/**
 * The metrics file: one Prometheus text-format file (exposition format 0.0.4) describing
 * every certificate after a run, for node_exporter's textfile collector. `formatMetrics`
 * is pure; `writeMetricsFile` only writes its result atomically.
 *
 * Sources: Prometheus "Exposition formats" (text format 0.0.4: HELP/TYPE lines, label
 * value escaping), Prometheus "Metric and label naming" (base units: seconds; Unix
 * timestamps as `_timestamp_seconds`), node_exporter's textfile collector (reads `*.prom`
 * files; samples carry no timestamp of their own).
 */
import { OptionsError, ReportError } from '../errors/errors.js';
import { writeFileAtomic } from '../store/write-atomic.js';

/** The outcome of the last attempt for one certificate, as the lifecycle records it. */
export type MetricsResult = 'issued' | 'pending' | 'failed' | 'not-due' | 'skipped-by-backoff';

/**
 * Every {@link MetricsResult}, in the order the `acmapi_certificate_last_attempt_result`
 * series are written.
 */
export const METRICS_RESULTS: readonly MetricsResult[] = ['issued', 'pending', 'failed', 'not-due', 'skipped-by-backoff'];

/** What the metrics file says about one certificate. A field left out writes no sample (or 0, for `failures`). */
export interface CertificateMetrics {
  /** The certificate's store name; written as the label `certificate` (any string: it is escaped). */
  name: string;
  /** The live certificate's notAfter. */
  notAfter?: Date | undefined;
  /** The chosen renewal time of the live certificate. */
  renewalAt?: Date | undefined;
  /** When the last attempt (application, retrieval or renewal check) ran. */
  lastAttemptAt?: Date | undefined;
  /** How the last attempt ended. */
  lastResult?: MetricsResult | undefined;
  /** Failed attempts in a row since the last installed certificate; a whole number ≥ 0. @default 0 */
  failures?: number | undefined;
}

/** One metric family: its name, HELP text and type. */
interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge';
}

/**
 * The metric families of the file, in the order they are written. Every one is a gauge:
 * timestamps and a count that returns to 0 on success are not counters.
 */
export const METRIC_FAMILIES = {
  notAfter: {
    name: 'acmapi_certificate_not_after_timestamp_seconds',
    help: 'When the live certificate expires (its notAfter), as a Unix timestamp in seconds.',
    type: 'gauge',
  },
  renewalAt: {
    name: 'acmapi_certificate_renewal_timestamp_seconds',
    help: 'The renewal time chosen for the live certificate, as a Unix timestamp in seconds.',
    type: 'gauge',
  },
  lastAttemptAt: {
    name: 'acmapi_certificate_last_attempt_timestamp_seconds',
    help: 'When the last attempt for the certificate ran, as a Unix timestamp in seconds.',
    type: 'gauge',
  },
  lastResult: {
    name: 'acmapi_certificate_last_attempt_result',
    help: 'How the last attempt for the certificate ended: 1 for its result, 0 for the others.',
    type: 'gauge',
  },
  failures: {
    name: 'acmapi_certificate_failures',
    help: 'Failed attempts in a row since the certificate was last installed.',
    type: 'gauge',
  },
  lastRun: {
    name: 'acmapi_last_run_timestamp_seconds',
    help: 'When acmapi last wrote this file, as a Unix timestamp in seconds.',
    type: 'gauge',
  },
} as const satisfies Readonly<Record<string, Family>>;

/**
 * Escapes a label value for the text format 0.0.4: backslash, double quote and line feed
 * are the three characters the format escapes (`\\`, `\"`, `\n`); everything else is
 * written as it is, in UTF-8.
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => (char === '\\' ? '\\\\' : char === '"' ? '\\"' : '\\n'));
}

/** A date as Unix seconds, milliseconds kept as the fraction (`1700000000.25`). */
function seconds(date: Date): string {
  return String(date.getTime() / 1000);
}

function checkDate(value: Date | undefined, field: string, name: string): void {
  if (value === undefined) return;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new OptionsError(`The metrics of certificate ${JSON.stringify(name)} have an invalid date in ${field}.`, { option: field });
  }
}

/** Checks the input before any line is written: a malformed entry would make the whole file unreadable. */
function checkCertificates(certificates: readonly CertificateMetrics[], now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new OptionsError('The time of the run is not a valid date.', { option: 'now' });
  const seen = new Set<string>();
  for (const certificate of certificates) {
    const { name } = certificate;
    if (typeof name !== 'string') throw new OptionsError('A certificate in the metrics has no name.', { option: 'name' });
    // Two samples with the same labels make the whole file invalid, and node_exporter would drop all of it.
    if (seen.has(name)) throw new OptionsError(`Certificate ${JSON.stringify(name)} appears twice in the metrics.`, { option: 'name' });
    seen.add(name);
    checkDate(certificate.notAfter, 'notAfter', name);
    checkDate(certificate.renewalAt, 'renewalAt', name);
    checkDate(certificate.lastAttemptAt, 'lastAttemptAt', name);
    if (certificate.lastResult !== undefined && !METRICS_RESULTS.includes(certificate.lastResult)) {
      throw new OptionsError(`The metrics of certificate ${JSON.stringify(name)} have an unknown result.`, { option: 'lastResult' });
    }
    const { failures } = certificate;
    if (failures !== undefined && !(Number.isSafeInteger(failures) && failures >= 0)) {
      throw new OptionsError(`The metrics of certificate ${JSON.stringify(name)} have a failure count that is not a whole number ≥ 0.`, { option: 'failures' });
    }
  }
}

/**
 * Formats the metrics of a run in the Prometheus text format 0.0.4.
 *
 * Per certificate (label `certificate`, its name escaped by {@link escapeLabelValue}):
 * - `acmapi_certificate_not_after_timestamp_seconds`, `acmapi_certificate_renewal_timestamp_seconds`,
 *   `acmapi_certificate_last_attempt_timestamp_seconds`: Unix seconds; no sample when unknown;
 * - `acmapi_certificate_last_attempt_result{result="…"}`: a state set, one series for each of
 *   {@link METRICS_RESULTS}, 1 for the last result and 0 for the others (none before a first attempt),
 *   so that `acmapi_certificate_last_attempt_result{result="failed"} == 1` is an alert rule;
 * - `acmapi_certificate_failures`: failures in a row, 0 when none.
 *
 * And once: `acmapi_last_run_timestamp_seconds`, the time `now` (a stale file shows in it).
 * Every family has its HELP and TYPE lines even without samples; certificates are sorted
 * by name (UTF-16 code units) so that the file changes only when a value does. Samples carry
 * no timestamp (node_exporter's textfile collector refuses them). The text ends with a
 * line feed.
 *
 * @param certificates - one entry per certificate; names must be unique.
 * @param now - the time of the run.
 * @returns the file's text.
 * @throws {OptionsError} `OPTIONS_INVALID` for a repeated name, an invalid date, an unknown
 *   result or a failure count that is not a whole number ≥ 0 (`option` names the field).
 */
export function formatMetrics(certificates: readonly CertificateMetrics[], now: Date): string {
  checkCertificates(certificates, now);
  const sorted = [...certificates].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: string[] = [];
  const family = (f: Family, samples: readonly string[]): void => {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...samples);
  };
  const label = (c: CertificateMetrics): string => `certificate="${escapeLabelValue(c.name)}"`;
  const dates = (f: Family, pick: (c: CertificateMetrics) => Date | undefined): string[] =>
    sorted.flatMap((c) => {
      const date = pick(c);
      return date === undefined ? [] : [`${f.name}{${label(c)}} ${seconds(date)}`];
    });

  family(METRIC_FAMILIES.notAfter, dates(METRIC_FAMILIES.notAfter, (c) => c.notAfter));
  family(METRIC_FAMILIES.renewalAt, dates(METRIC_FAMILIES.renewalAt, (c) => c.renewalAt));
  family(METRIC_FAMILIES.lastAttemptAt, dates(METRIC_FAMILIES.lastAttemptAt, (c) => c.lastAttemptAt));
  family(
    METRIC_FAMILIES.lastResult,
    sorted.flatMap((c) => {
      const last = c.lastResult;
      if (last === undefined) return [];
      return METRICS_RESULTS.map((result) => `${METRIC_FAMILIES.lastResult.name}{${label(c)},result="${result}"} ${result === last ? 1 : 0}`);
    }),
  );
  family(
    METRIC_FAMILIES.failures,
    sorted.map((c) => `${METRIC_FAMILIES.failures.name}{${label(c)}} ${c.failures ?? 0}`),
  );
  family(METRIC_FAMILIES.lastRun, [`${METRIC_FAMILIES.lastRun.name} ${seconds(now)}`]);
  return `${lines.join('\n')}\n`;
}

/**
 * Writes {@link formatMetrics}'s text to `file` atomically, for node_exporter's textfile
 * collector: the text goes to a temporary file in the same folder (named `.NAME.HEX.tmp`,
 * which the collector, reading only `*.prom`, ignores), is fsynced and renamed over `file`,
 * so the collector sees the previous file or the whole new one. The file gets mode 0644
 * whatever the umask, so a collector running as another user can read it. It should end in
 * `.prom` for the collector to read it (not enforced).
 *
 * @param file - the metrics file; its folder must exist.
 * @param certificates - as for {@link formatMetrics}.
 * @param now - as for {@link formatMetrics}.
 * @throws {OptionsError} as {@link formatMetrics}, before anything is written.
 * @throws {ReportError} `METRICS_WRITE_FAILED` with `path` and the file system error as `cause`;
 *   the previous file is then left as it was.
 */
export async function writeMetricsFile(file: string, certificates: readonly CertificateMetrics[], now: Date): Promise<void> {
  const text = formatMetrics(certificates, now);
  try {
    await writeFileAtomic(file, text, { mode: 0o644 });
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    throw new ReportError('METRICS_WRITE_FAILED', `The metrics file ${file} could not be written (${errno}).`, {
      cause: error,
      path: file,
      hint: errno === 'ENOENT' ? 'Create the folder of the metrics file, or choose a file in an existing folder.' : 'Check that the folder of the metrics file exists and is writable by this user.',
      retryable: true,
    });
  }
}
