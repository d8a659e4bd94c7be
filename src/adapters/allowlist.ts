/**
 * IP allowlists (an SMPP login's): entries are single addresses or CIDR blocks, IPv4 or IPv6. Beside the adapters that
 * use it (the HTTP door checks an entry, the SMPP server a peer, the store both): it leans on node:net's address
 * parsing and BlockList, which the core does not import.
 */
import { BlockList, isIP } from 'node:net';

/** Parses an allowlist entry ("192.0.2.0/24", "2001:db8::/32", "192.0.2.7"); throws on anything else. */
export function parseCidr(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address = '', prefixText] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0) throw new Error(`"${entry}" is not an IP address or CIDR block`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw new Error(`"${entry}": the prefix length must be 0 to ${max}`);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Whether `ip` (as a socket reports it, IPv4-mapped IPv6 included) is inside one of the blocks; true when there are none. */
export function ipAllowed(ip: string, blocks: readonly string[]): boolean {
  if (blocks.length === 0) return true;
  const list = new BlockList();
  for (const block of blocks) {
    const { address, prefix, family } = parseCidr(block);
    list.addSubnet(address, prefix, family);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const plain = mapped ? mapped[1]! : ip;
  return list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
}
