/**
 * The customer's IP allow-list (spec §1: calls are accepted only from registered
 * addresses; error 110). Entries are addresses or CIDR blocks, IPv4 or IPv6.
 */
import { BlockList, isIP } from 'node:net';

/** Turns an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) into plain IPv4. */
export function unmapIpv4(address: string): string {
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return match?.[1] ?? address;
}

/** Why an allow-list entry is invalid, or `undefined` when it is an address or a CIDR block. */
export function ipEntryProblem(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `${JSON.stringify(entry)} is not an IP address or CIDR block`;
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || bits > max) return `${JSON.stringify(entry)} has a prefix length outside 0–${max}`;
  return undefined;
}

/**
 * Builds a matcher of caller addresses from allow-list entries (addresses or CIDR
 * blocks). IPv4-mapped IPv6 callers are matched as IPv4, and IPv4 entries also
 * match their mapped form, so a dual-stack listener behaves like an IPv4 one.
 *
 * @throws {RangeError} for an invalid entry (the options resolver checks them first).
 */
export function createIpAllowList(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const problem = ipEntryProblem(entry);
    if (problem !== undefined) throw new RangeError(problem);
    const [address = '', prefix] = entry.split('/');
    const plain = unmapIpv4(address);
    const type = isIP(plain) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(plain, type);
    else list.addSubnet(plain, Number(prefix), type);
  }
  return (address) => {
    const plain = unmapIpv4(address);
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}
