// Shared printing for `pnpm bench`: targets are ratios against a baseline measured in
// the same run, so they hold on any machine; where the issue sets an absolute budget
// (EC key + CSR ≤ 2 ms), reportMedian prints it beside the ratio.

/**
 * Prints one comparison line and returns the ratio.
 * @param {string} name what is compared
 * @param {{ mean: number }} subject the measured task's latency statistics (ms)
 * @param {{ mean: number }} baseline the baseline's statistics (ms), from the same run
 * @param {number | undefined} target the largest acceptable ratio, when there is one
 */
export function reportRatio(name, subject, baseline, target) {
  const ratio = subject.mean / baseline.mean;
  const verdict = target === undefined ? '' : ratio <= target ? ` (target ≤ ${target}: met)` : ` (target ≤ ${target}: MISSED)`;
  console.log(
    `${name}: ratio ${ratio.toFixed(2)}${verdict}  [${subject.mean.toFixed(2)} ms vs baseline ${baseline.mean.toFixed(2)} ms]`,
  );
  return ratio;
}

/**
 * Prints one line for an absolute budget on the median, with the ratio of medians to a
 * baseline from the same run when there is one, and returns whether the target was met.
 * @param {string} name what is measured
 * @param {{ p50: number }} subject the measured task's latency statistics (ms)
 * @param {number} targetMs the largest acceptable median, in ms
 * @param {{ p50: number } | undefined} baseline the baseline's statistics (ms), from the same run
 */
export function reportMedian(name, subject, targetMs, baseline) {
  const met = subject.p50 <= targetMs;
  const ratio =
    baseline === undefined ? '' : `; ratio ${(subject.p50 / baseline.p50).toFixed(2)}  [medians ${subject.p50.toFixed(3)} ms vs baseline ${baseline.p50.toFixed(3)} ms]`;
  console.log(`${name}: median ${subject.p50.toFixed(3)} ms (target ≤ ${targetMs} ms median: ${met ? 'met' : 'MISSED'})${ratio}`);
  return met;
}

/**
 * The median of samples (the mean of the two middle ones for an even count).
 * @param {readonly number[]} samples at least one
 * @returns {number}
 */
export function median(samples) {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Prints one comparison line from raw samples, as the ratio of their medians (robust to
 * the odd slow run on a shared machine), and returns the ratio.
 * @param {string} name what is compared
 * @param {readonly number[]} subject the measured task's samples
 * @param {readonly number[]} baseline the baseline's samples, from the same run
 * @param {number | undefined} target the largest acceptable ratio, when there is one
 * @param {string} [unit] the samples' unit, for the line (default `ms`)
 */
export function reportMedianRatio(name, subject, baseline, target, unit = 'ms') {
  const ratio = median(subject) / median(baseline);
  const verdict = target === undefined ? '' : ratio <= target ? ` (target ≤ ${target}: met)` : ` (target ≤ ${target}: MISSED)`;
  console.log(
    `${name}: ratio ${ratio.toFixed(2)}${verdict}  [median ${median(subject).toFixed(1)} ${unit} vs baseline ${median(baseline).toFixed(1)} ${unit}; ${subject.length} and ${baseline.length} runs]`,
  );
  return ratio;
}

/**
 * Prints one comparison line for runs taken in turn, baseline first and last
 * (b0 s0 b1 s1 … s(n-1) bn), and returns the median of the per-run ratios: each subject run
 * against the mean of the two baseline runs beside it. A shared machine's slow spells (a busy
 * neighbour, a CPU clock that moves) last longer than one pair, so each ratio compares runs
 * taken under the same conditions, where a ratio of medians compares runs minutes apart.
 * @param {string} name what is compared
 * @param {readonly number[]} subject n samples
 * @param {readonly number[]} baseline n + 1 samples, taken before, between and after the subject's
 * @param {number | undefined} target the largest acceptable ratio, when there is one
 * @param {string} [unit] the samples' unit, for the line (default `ms`)
 */
export function reportPairedRatio(name, subject, baseline, target, unit = 'ms') {
  if (subject.length === 0 || baseline.length !== subject.length + 1) {
    throw new Error(`paired runs need n subject and n + 1 baseline samples, got ${subject.length} and ${baseline.length}`);
  }
  const ratios = subject.map((value, i) => value / ((baseline[i] + baseline[i + 1]) / 2));
  const ratio = median(ratios);
  const verdict = target === undefined ? '' : ratio <= target ? ` (target ≤ ${target}: met)` : ` (target ≤ ${target}: MISSED)`;
  const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  console.log(
    `${name}: ratio ${ratio.toFixed(2)}${verdict}  [median of ${ratios.length} paired ratios, ${spread}; medians ${median(subject).toFixed(1)} ${unit} vs baseline ${median(baseline).toFixed(1)} ${unit}]`,
  );
  return ratio;
}
