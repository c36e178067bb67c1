/**
 * Masking of secrets in the runner's log: the runner replaces every registered
 * value with `***`. A PEM is registered whole and line by line, because a log line
 * never holds a whole multi-line PEM, only a piece of it.
 */

/** Registers one value with the runner (`core.setSecret`). */
export type SetSecret = (value: string) => void;

/** The lines of a secret worth masking: not blank, not PEM armour (which is public text). */
export function secretLines(secret: string): string[] {
  return secret
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(line));
}

/** Masks a secret: the whole value and, for multi-line values, every line. Empty values are ignored. */
export function maskSecret(setSecret: SetSecret, secret: string | undefined): void {
  if (secret === undefined || secret.trim() === '') return;
  setSecret(secret);
  const lines = secretLines(secret);
  if (lines.length > 1 || secret.includes('\n')) {
    for (const line of lines) setSecret(line);
  }
  // Secrets pasted with literal "\n" escapes are masked in that form as well.
  if (secret.includes('\n')) setSecret(secret.replaceAll('\n', '\\n'));
}
