import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** An address a delivery may connect to, found by resolving the endpoint's host. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** Why a URL may not receive webhooks; `issue` is said to the user in a 422 naming `url`. */
export class RefusedAddress extends Error {
  constructor(readonly issue: string) {
    super(issue);
    this.name = 'RefusedAddress';
  }
}

/**
 * Whether an address is on the public internet. ipaddr.js names every special-purpose range
 * (loopback, RFC 1918 private, link-local with the cloud metadata address 169.254.169.254,
 * carrier-grade NAT, unique local IPv6, unspecified, multicast, broadcast, reserved,
 * documentation, NAT64, 6to4, Teredo, ...); only what falls in none of them is "unicast".
 * An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

async function systemLookup(hostname: string): Promise<ResolvedAddress[]> {
  const addresses = await dnsLookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

/** The host of a URL as the resolver wants it: `[::1]` becomes `::1`. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Resolves the host a webhook is sent to and picks the address to connect to. Every address the
 * name resolves to must be public (unless private ones are allowed): a name that answers with one
 * public and one private address could otherwise reach inside on a later lookup. The caller
 * connects to the address returned, never to the name again, so DNS cannot change in between.
 */
export async function resolveDeliveryAddress(url: URL, allowPrivate: boolean, lookup: HostLookup = systemLookup): Promise<ResolvedAddress> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RefusedAddress('must be an http:// or https:// URL');
  const host = hostOf(url);
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family: family as 4 | 6 }] : await lookup(host).catch(() => []);
  if (addresses.length === 0) throw new RefusedAddress('has a host name that does not resolve');
  if (!allowPrivate && !addresses.every((candidate) => isPublicAddress(candidate.address))) {
    throw new RefusedAddress('must reach a public address, not a private, loopback or link-local one');
  }
  return addresses[0]!;
}
