/**
 * The key types this project generates and accepts, and the policy behind them, as data.
 *
 * The CA's error 104 covers "weak key" (spec §3); the CA/Browser Forum Baseline
 * Requirements say which keys a publicly-trusted certificate may certify. Keeping the
 * policy here, as data, lets the client's CSR checks and the reference server's checks
 * use one definition.
 */

/**
 * A key type: RSA with a modulus of 2048, 3072 or 4096 bits, or ECDSA on NIST P-256 or P-384.
 * The names are what users type (`--key-type ec-p384`).
 */
export type KeyType = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384';

/** Every {@link KeyType}, in the order a user is shown them. */
export const KEY_TYPES: readonly KeyType[] = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'];

/**
 * The key type used when none is given: ECDSA P-256 (small, fast, accepted everywhere).
 * @default 'ec-p256'
 */
export const DEFAULT_KEY_TYPE: KeyType = 'ec-p256';

/** Whether `value` is one of {@link KEY_TYPES} (exact, case-sensitive). */
export function isKeyType(value: unknown): value is KeyType {
  return typeof value === 'string' && (KEY_TYPES as readonly string[]).includes(value);
}

/** What a {@link KeyType} is made of. */
export type KeyTypeSpec =
  | {
      readonly algorithm: 'rsa';
      /** Modulus length in bits. */
      readonly modulusBits: 2048 | 3072 | 4096;
    }
  | {
      readonly algorithm: 'ec';
      /** The NIST name of the curve (`P-256`), as WebCrypto names it. */
      readonly curve: 'P-256' | 'P-384';
      /** The name node:crypto reports in `asymmetricKeyDetails.namedCurve` (`prime256v1`). */
      readonly nodeCurve: 'prime256v1' | 'secp384r1';
      /** The hash an ECDSA signature over this curve uses (BR §7.1.3.2.2: P-256 with SHA-256, P-384 with SHA-384). */
      readonly hash: 'SHA-256' | 'SHA-384';
    };

/** The make-up of each {@link KeyType}. */
export const KEY_TYPE_SPECS: Readonly<Record<KeyType, KeyTypeSpec>> = {
  'rsa-2048': { algorithm: 'rsa', modulusBits: 2048 },
  'rsa-3072': { algorithm: 'rsa', modulusBits: 3072 },
  'rsa-4096': { algorithm: 'rsa', modulusBits: 4096 },
  'ec-p256': { algorithm: 'ec', curve: 'P-256', nodeCurve: 'prime256v1', hash: 'SHA-256' },
  'ec-p384': { algorithm: 'ec', curve: 'P-384', nodeCurve: 'secp384r1', hash: 'SHA-384' },
};

/**
 * The keys a CSR (ours or a user's) may carry, as data.
 *
 * - RSA (BR §6.1.5): modulus at least 2048 bits; this project accepts exactly the sizes it
 *   can generate, 2048, 3072 and 4096. Public exponent (BR §6.1.6): odd and at least 3.
 * - ECDSA (BR §6.1.5): NIST P-256 or P-384 only (P-521 is not allowed by the BR).
 * - Nothing else: no Ed25519/Ed448, no RSA-PSS-only keys, no DSA.
 */
export const ALLOWED_KEY_POLICY = {
  rsa: {
    /** BR §6.1.5: the modulus size, in bits, is at least this. */
    minModulusBits: 2048,
    /** The modulus sizes, in bits, this project accepts. */
    modulusBits: [2048, 3072, 4096],
    /** BR §6.1.6: the public exponent is odd and at least this. */
    minPublicExponent: 3,
  },
  ec: {
    /** BR §6.1.5: the allowed curves, by NIST name. */
    curves: ['P-256', 'P-384'],
  },
} as const;

/** The allowed keys in words, for messages: `"RSA 2048, 3072 or 4096 bits, or ECDSA P-256 or P-384"`. */
export const ALLOWED_KEYS_TEXT = `RSA ${ALLOWED_KEY_POLICY.rsa.modulusBits.slice(0, -1).join(', ')} or ${String(
  ALLOWED_KEY_POLICY.rsa.modulusBits.at(-1),
)} bits, or ECDSA ${ALLOWED_KEY_POLICY.ec.curves.join(' or ')}`;
