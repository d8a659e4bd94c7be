import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may be sent. A client's URL must not make Relais call into the aggregator's own network: loopback,
 * private, link-local (the cloud metadata service at 169.254.169.254 among them), carrier-grade NAT, multicast and
 * unspecified addresses are refused — at registration for an address written in the URL, and at every delivery
 * for the addresses its name resolves to (the connection then goes to the address checked, so a name that
 * resolves differently later cannot slip through). The aggregator's configuration can allow some of them
 * (`webhooks.allowTargets`, addresses or CIDR ranges).
 */
export class WebhookTargets {
  private readonly allowed = new BlockList();

  constructor(allow: readonly string[]) {
    for (const entry of allow) addRange(this.allowed, entry);
  }

  /** Why an address may not be called, or undefined when it may. */
  refusal(address: string): string | undefined {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const plain = unmapped(address);
    const plainFamily = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(address, family) || this.allowed.check(plain, plainFamily)) return undefined;
    if (!FORBIDDEN.check(plain, plainFamily)) return undefined;
    return `${address} is a loopback, private, link-local or metadata address: webhooks go to public addresses (the aggregator can allow it with webhooks.allowTargets)`;
  }

  /**
   * Why a URL may not be used, or undefined: its host is a forbidden address, or (`byName`, at registration) the
   * name localhost. Other names are checked when they are resolved, at each delivery (`lookup`).
   */
  refusalOfUrl(url: string, byName = true): string | undefined {
    let host: string;
    try {
      host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return 'not a URL';
    }
    if (isIP(host)) return this.refusal(host);
    if (byName && /^localhost\.?$|\.localhost\.?$/i.test(host)) return this.refusal('127.0.0.1');
    return undefined;
  }

  /** A DNS lookup for http.request that fails on a name resolving to a forbidden address. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const refused = addresses.map((a) => this.refusal(a.address)).find((reason) => reason !== undefined);
      if (refused) return callback(Object.assign(new Error(`${hostname} resolves to ${refused}`), { code: 'EFORBIDDENTARGET' }), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

const FORBIDDEN = new BlockList();
for (const range of [
  '0.0.0.0/8', // "this network", unspecified
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, cloud metadata
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, broadcast
  '::/128',
  '::1/128',
  'fc00::/7', // unique local (fd00:ec2::254, a metadata service, among them)
  'fe80::/10',
  'ff00::/8',
]) {
  addRange(FORBIDDEN, range);
}

function addRange(list: BlockList, entry: string): void {
  const [address, bits] = entry.split('/');
  const family = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
  if (!isIP(address!)) throw new Error(`"${entry}" is not an IP address or CIDR range`);
  if (bits === undefined) list.addAddress(address!, family);
  else list.addSubnet(address!, Number(bits), family);
}

/** ::ffff:127.0.0.1 is 127.0.0.1. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}
