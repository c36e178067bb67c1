import { randomBytes } from 'node:crypto';

/**
 * A random, positive 128-bit certificate serial number as hex (BR §7.1: at least
 * 64 bits of CSPRNG output). The top bit is cleared so the DER INTEGER stays
 * positive without a leading zero, and the next bit is set so the serial always
 * has its full length.
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
