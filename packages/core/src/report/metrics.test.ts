/**
 * The metrics file is checked by two parsers that share no code with it: promtool (Debian's
 * prometheus package: Prometheus's own parser and linter) and parse-prometheus-text-format
 * (npm), which also gives the values and unescaped labels back.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { findBinary, withTempDir } from '@acmapi/test-utils';
import { isOptionsError, isReportError } from '../errors/errors.js';
import { METRICS_RESULTS, escapeLabelValue, formatMetrics, writeMetricsFile, type CertificateMetrics } from './metrics.js';

const promtool = findBinary('promtool', 'prometheus');

/** Runs `promtool check metrics` on `text` (its stdin): parse errors and lint problems both fail it. */
async function promtoolCheck(text: string | Buffer): Promise<{ status: number | null; output: string }> {
  const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const status = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(text);
  return { status: await status, output };
}

async function expectPromtoolAccepts(text: string | Buffer): Promise<void> {
  const result = await promtoolCheck(text);
  expect(result, result.output).toStrictEqual({ status: 0, output: '' });
}

/** The family `name`, which must be there. */
function family(parsed: ParsedFamily[], name: string): ParsedFamily {
  const found = parsed.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

/** `{ certificate → value }` of a family keyed by the `certificate` label. */
function byCertificate(parsed: ParsedFamily[], name: string): Record<string, number> {
  return Object.fromEntries(family(parsed, name).metrics.map((m) => [m.labels?.['certificate'] ?? '', Number(m.value)]));
}

const NOW = new Date('2026-03-01T12:00:00.000Z');

const SHOP: CertificateMetrics = {
  name: 'shop',
  notAfter: new Date('2026-05-30T23:59:59.000Z'),
  renewalAt: new Date('2026-04-30T10:15:00.500Z'),
  lastAttemptAt: new Date('2026-03-01T11:59:30.000Z'),
  lastResult: 'issued',
  failures: 0,
};

/** Names a store would not allow, but which must still give a valid file: escapes, a line injection, UTF-8. */
const HOSTILE_NAMES = [
  'quote"inside',
  'back\\slash',
  'trailing\\',
  'new\nline',
  'x"} 1\nacmapi_injected_total 1\n# TYPE x',
  '\\n literally',
  'tab\tand\rcarriage',
  '中文.example',
  '',
];

describe('formatMetrics', () => {
  it('gives each certificate its not-after, renewal time, last attempt and failures, as Unix seconds', () => {
    const failing: CertificateMetrics = { name: 'blog', lastAttemptAt: new Date('2026-03-01T11:00:00Z'), lastResult: 'failed', failures: 3 };
    const parsed = parsePrometheusTextFormat(formatMetrics([SHOP, failing], NOW));
    expect(byCertificate(parsed, 'acmapi_certificate_not_after_timestamp_seconds')).toStrictEqual({ shop: Date.parse('2026-05-30T23:59:59Z') / 1000 });
    expect(byCertificate(parsed, 'acmapi_certificate_renewal_timestamp_seconds')).toStrictEqual({ shop: 1777544100.5 });
    expect(byCertificate(parsed, 'acmapi_certificate_last_attempt_timestamp_seconds')).toStrictEqual({
      blog: Date.parse('2026-03-01T11:00:00Z') / 1000,
      shop: Date.parse('2026-03-01T11:59:30Z') / 1000,
    });
    expect(byCertificate(parsed, 'acmapi_certificate_failures')).toStrictEqual({ blog: 3, shop: 0 });
    expect(family(parsed, 'acmapi_last_run_timestamp_seconds').metrics).toStrictEqual([{ value: String(NOW.getTime() / 1000) }]);
    for (const f of parsed) {
      expect(f.type).toBe('GAUGE');
      expect(f.help).not.toBe('');
    }
  });

  it('writes the last result as a state set: one series per result, 1 for the last one only', () => {
    const certificates = METRICS_RESULTS.map((result, i): CertificateMetrics => ({ name: `c${i}`, lastResult: result }));
    const parsed = parsePrometheusTextFormat(formatMetrics(certificates, NOW));
    const samples = family(parsed, 'acmapi_certificate_last_attempt_result').metrics;
    expect(samples).toHaveLength(METRICS_RESULTS.length ** 2);
    for (const [i, result] of METRICS_RESULTS.entries()) {
      const own = samples.filter((s) => s.labels?.['certificate'] === `c${i}`);
      expect(own.map((s) => s.labels?.['result'])).toStrictEqual([...METRICS_RESULTS]);
      expect(own.filter((s) => s.value === '1').map((s) => s.labels?.['result'])).toStrictEqual([result]);
      expect(own.filter((s) => s.value === '0')).toHaveLength(METRICS_RESULTS.length - 1);
    }
  });

  it('writes no sample for what is not known, and 0 failures when none are recorded', () => {
    const parsed = parsePrometheusTextFormat(formatMetrics([{ name: 'new' }], NOW));
    expect(parsed.map((f) => [f.name, f.metrics.length])).toStrictEqual([
      ['acmapi_certificate_not_after_timestamp_seconds', 0],
      ['acmapi_certificate_renewal_timestamp_seconds', 0],
      ['acmapi_certificate_last_attempt_timestamp_seconds', 0],
      ['acmapi_certificate_last_attempt_result', 0],
      ['acmapi_certificate_failures', 1],
      ['acmapi_last_run_timestamp_seconds', 1],
    ]);
    expect(byCertificate(parsed, 'acmapi_certificate_failures')).toStrictEqual({ new: 0 });
  });

  it('is accepted by promtool check metrics: a fleet, one new certificate, and none at all', async () => {
    const fleet = [SHOP, { name: 'blog', lastResult: 'skipped-by-backoff', failures: 2, lastAttemptAt: NOW } satisfies CertificateMetrics];
    await expectPromtoolAccepts(formatMetrics(fleet, NOW));
    await expectPromtoolAccepts(formatMetrics([{ name: 'new' }], NOW));
    await expectPromtoolAccepts(formatMetrics([], NOW));
  });

  it('keeps hostile certificate names valid: quotes, newlines, backslashes, a line injection (promtool, and a round trip)', async () => {
    const certificates = HOSTILE_NAMES.map((name): CertificateMetrics => ({ ...SHOP, name }));
    const text = formatMetrics(certificates, NOW);
    await expectPromtoolAccepts(text);
    const parsed = parsePrometheusTextFormat(text);
    // Nothing was injected: the same six families, and every name comes back exactly.
    expect(parsed.map((f) => f.name)).toStrictEqual([
      'acmapi_certificate_not_after_timestamp_seconds',
      'acmapi_certificate_renewal_timestamp_seconds',
      'acmapi_certificate_last_attempt_timestamp_seconds',
      'acmapi_certificate_last_attempt_result',
      'acmapi_certificate_failures',
      'acmapi_last_run_timestamp_seconds',
    ]);
    // The file is sorted by name: compare sorted.
    expect(Object.keys(byCertificate(parsed, 'acmapi_certificate_not_after_timestamp_seconds')).sort()).toStrictEqual([...HOSTILE_NAMES].sort());
    // Every sample is on one line of its own.
    const sampleLines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(sampleLines).toHaveLength(HOSTILE_NAMES.length * (4 + METRICS_RESULTS.length) + 1);
  });

  it('escapes exactly backslash, double quote and line feed', () => {
    expect(escapeLabelValue('a\\b"c\nd\re\tf')).toBe('a\\\\b\\"c\\nd\re\tf');
    expect(escapeLabelValue('plain-name.example')).toBe('plain-name.example');
  });

  it('does not depend on the order of its input', () => {
    const others: CertificateMetrics[] = [{ name: 'b' }, { name: 'a', lastResult: 'pending' }, SHOP];
    expect(formatMetrics(others, NOW)).toBe(formatMetrics([...others].reverse(), NOW));
  });

  it('refuses a repeated name, an invalid date, an unknown result and a bad failure count, before writing anything', () => {
    const cases: [readonly CertificateMetrics[], string][] = [
      [[{ name: 'a' }, { name: 'a' }], 'name'],
      [[{ name: 'a', notAfter: new Date(Number.NaN) }], 'notAfter'],
      [[{ name: 'a', lastResult: 'exploded' as CertificateMetrics['lastResult'] }], 'lastResult'],
      [[{ name: 'a', failures: -1 }], 'failures'],
      [[{ name: 'a', failures: 1.5 }], 'failures'],
    ];
    for (const [certificates, option] of cases) {
      let error: unknown;
      try {
        formatMetrics(certificates, NOW);
      } catch (caught) {
        error = caught;
      }
      expect(isOptionsError(error), option).toBe(true);
      expect(error).toMatchObject({ code: 'OPTIONS_INVALID', option });
    }
  });
});

describe('writeMetricsFile', () => {
  it('writes the file node_exporter reads, mode 0644 whatever the umask, through a temporary file that does not end in .prom', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'acmapi.prom');
      await writeFile(file, 'old content\n');
      const seen = new Set<string>();
      const watcher = watch(dir, (_event, name) => {
        if (name !== null) seen.add(name);
      });
      const umask = process.umask(0o077);
      try {
        await writeMetricsFile(file, [SHOP], NOW);
      } finally {
        process.umask(umask);
      }
      // inotify events arrive asynchronously: give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 100));
      watcher.close();

      const text = await readFile(file, 'utf8');
      expect(text).toBe(formatMetrics([SHOP], NOW));
      await expectPromtoolAccepts(text);
      expect((await stat(file)).mode & 0o777).toBe(0o644);
      expect(await readdir(dir)).toStrictEqual(['acmapi.prom']);
      const temporary = [...seen].filter((name) => name !== 'acmapi.prom');
      expect(temporary.length, 'the watcher saw the temporary file').toBeGreaterThan(0);
      for (const name of temporary) expect(name.endsWith('.prom'), name).toBe(false);
    });
  });

  it('writes valid UTF-8 for a name that is not (a lone surrogate), which promtool accepts', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'acmapi.prom');
      await writeMetricsFile(file, [{ ...SHOP, name: 'half\uD800surrogate' }], NOW);
      await expectPromtoolAccepts(await readFile(file));
    });
  });

  it('fails with METRICS_WRITE_FAILED and the path when the folder is missing, creating nothing', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'missing', 'acmapi.prom');
      const error: unknown = await writeMetricsFile(file, [SHOP], NOW).catch((caught: unknown) => caught);
      expect(isReportError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'METRICS_WRITE_FAILED', path: file, cause: { code: 'ENOENT' } });
      expect(await readdir(dir)).toStrictEqual([]);
    });
  });

  it('leaves the previous file whole when the new one cannot replace it', async () => {
    await withTempDir(async (dir) => {
      // A non-empty folder at the path makes the rename fail after the temporary file was written.
      const file = join(dir, 'acmapi.prom');
      await mkdir(join(file, 'inside'), { recursive: true });
      const error: unknown = await writeMetricsFile(file, [SHOP], NOW).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'ReportError', code: 'METRICS_WRITE_FAILED', path: file });
      expect(await readdir(dir)).toStrictEqual(['acmapi.prom']);
      expect(await readdir(file)).toStrictEqual(['inside']);
    });
  });
});
