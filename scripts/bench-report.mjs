// Shared printing for `pnpm bench`: targets are ratios against a baseline measured in
// the same run (never absolute times), so they hold on any machine.

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
