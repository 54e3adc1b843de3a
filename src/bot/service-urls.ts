/**
 * Where the bot may send replies. An activity names its `serviceUrl` and the bot POSTs its replies
 * there; taken unchecked, that lets whoever sends an activity make this service call any address it
 * can reach (server-side request forgery: cloud metadata at 169.254.169.254, the municipality's own
 * network, other services on this host).
 *
 * A service URL must be https on a public address or name. Plain http is allowed only to this
 * machine (the Emulator, `npm run chat`, tests) and only when the policy allows loopback (a loopback
 * client, or a verified Bot Connector token). Private, link-local, shared (CGNAT), reserved and
 * unspecified addresses, names without a dot and known metadata names are refused, unless their
 * range is configured (SERVICE_URL_PRIVATE_RANGES, such as an Azure private endpoint).
 *
 * A public name can still resolve to a private address (DNS rebinding): `guardedLookup` applies the
 * same rule to the addresses a name resolves to, when the reply's connection is made.
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface ServiceUrlPolicy {
  /** http:// to this machine is allowed (the client is this machine, or the token is verified). */
  allowLoopback: boolean;
  /** Ranges that may be used although they are not public (SERVICE_URL_PRIVATE_RANGES). */
  privateRanges: readonly AddressRange[];
}

/** Host names of cloud metadata services that are not IP literals. */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);

/** Parses "10.20.0.0/16, 192.0.2.7" (a lone address is its own /32 or /128); throws naming a bad entry. */
export function parseRanges(entries: readonly string[]): AddressRange[] {
  return entries.map((entry) => {
    if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
    if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    }
    throw new Error(`"${entry}" is not an address or a range such as 10.20.0.0/16`);
  });
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/** Why this address may not be used, or undefined when it may. */
function addressRefusal(address: string, policy: ServiceUrlPolicy, loopbackAllowed: boolean): string | undefined {
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback') return loopbackAllowed ? undefined : 'an address of this machine';
  if (policy.privateRanges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits))) return undefined;
  return `a ${range} address (not public; list its range in SERVICE_URL_PRIVATE_RANGES if it is meant)`;
}

/** Why the bot may not send replies to `value`, or undefined when it may. */
export function serviceUrlRefusal(value: unknown, policy: ServiceUrlPolicy): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return 'it is not a URL';
  const url = new URL(value);
  if (url.username || url.password) return 'it carries a user name or password';
  const host = url.hostname.replace(/^\[|\]$/gu, '').toLowerCase();
  const literal = ipaddr.isValid(host);
  const loopbackHost = literal ? ipaddr.process(host).range() === 'loopback' : isLoopbackName(host);
  if (url.protocol === 'http:') {
    if (!loopbackHost) return 'it is http (only https, or http to this machine)';
    if (!policy.allowLoopback) return 'it points at this machine';
    return undefined;
  }
  if (url.protocol !== 'https:') return `its scheme ${url.protocol} is not https`;
  if (literal) return addressRefusal(host, policy, policy.allowLoopback);
  if (loopbackHost) return policy.allowLoopback ? undefined : 'it points at this machine';
  if (METADATA_NAMES.has(host)) return 'it names a cloud metadata service';
  if (!host.includes('.')) return 'its host name has no domain (an intranet name)';
  return undefined;
}

/**
 * A DNS lookup for the replies' connections that refuses names resolving to addresses
 * `serviceUrlRefusal` would refuse (a name such as localhost may still resolve to this machine).
 */
export function guardedLookup(policy: ServiceUrlPolicy, resolve: LookupFunction = dns.lookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    const loopbackAllowed = isLoopbackName(hostname.toLowerCase());
    resolve(hostname, { ...options, all: true }, (err, found) => {
      if (err) return (callback as (e: NodeJS.ErrnoException | null, a: string, f: number) => void)(err, '', 0);
      const addresses = (Array.isArray(found) ? found : [{ address: found as unknown as string, family: 4 }]).filter(
        (a) => ipaddr.isValid(a.address) && addressRefusal(a.address, policy, loopbackAllowed) === undefined,
      );
      if (!addresses.length) {
        const refused = Object.assign(new Error(`${hostname} resolves only to addresses replies may not go to (not public)`), { code: 'ENOTFOUND' });
        return (callback as (e: NodeJS.ErrnoException | null, a: string, f: number) => void)(refused, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      (callback as (e: null, a: string, f: number) => void)(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
