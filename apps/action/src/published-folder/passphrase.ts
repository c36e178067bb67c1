/**
 * The strength rule for `key-passphrase` (issue 11, finding 5). Its own module, without
 * imports, because the inputs check it on the bundle's cold path.
 */

/**
 * The shortest `key-passphrase` accepted, in characters (Unicode code points). The encrypted
 * key is committed to a repository, so anyone who can read the repository can guess offline:
 * 16 random characters (a password manager, or `openssl rand -base64 24`) are far out of reach,
 * while a 3-letter passphrase fell in 27 s on one core.
 */
export const MIN_PASSPHRASE_LENGTH = 16;

/**
 * Why `passphrase` is too weak to encrypt a key, or `undefined` when it is strong enough:
 * at least {@link MIN_PASSPHRASE_LENGTH} characters, and not one character repeated. Pure;
 * the reason never holds the passphrase.
 */
export function passphraseWeakness(passphrase: string): string | undefined {
  // Code points, not UTF-16 units: an emoji counts once, as a user would count it.
  const characters = Array.from(passphrase);
  if (characters.length < MIN_PASSPHRASE_LENGTH) {
    return `it has ${characters.length} characters, and at least ${MIN_PASSPHRASE_LENGTH} are needed`;
  }
  if (new Set(characters).size === 1) return 'it is one character repeated';
  return undefined;
}
