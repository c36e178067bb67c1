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
