/**
 * Who is asking: the client's network address, and whether it is this machine (loopback).
 *
 * Behind a reverse proxy on the same host every request arrives from 127.0.0.1, so a request that
 * carries any proxy header (Forwarded, X-Forwarded-For, X-Real-IP, Via) is never taken for a
 * loopback client on its socket address alone. With TRUSTED_PROXIES set (addresses or ranges of the
 * proxies in front of this service, or proxy-addr's names loopback, linklocal, uniquelocal), the
 * client is read from X-Forwarded-For as proxy-addr does: from the right, skipping trusted proxies,
 * so an address a client wrote into the header itself is never believed. `Forwarded` is not read.
 *
 * `installClientAddress` works this out once per request (a restify pre handler); `clientOf(req)`
 * is what routes, rate limits and the audit log use.
 */
import type { Request, Response, Next } from 'restify';
import type restify from 'restify';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

export interface ClientAddress {
  /** The client's address as best known (the socket's, or from a trusted proxy's X-Forwarded-For). */
  address: string;
  /** The client is this machine, and no proxy speaks for someone else. */
  loopback: boolean;
}

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'via'];

/** Whether an address (IPv4, IPv6, IPv4-mapped IPv6) is in the loopback range. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}

/** Checks a TRUSTED_PROXIES list; throws with proxy-addr's message when an entry is not understood. */
export function compileTrustedProxies(list: string[]): (address: string, hop: number) => boolean {
  return proxyaddr.compile(list);
}

const known = new WeakMap<Request, ClientAddress>();

/** Resolves a request's client with the given trust (for tests and for `installClientAddress`). */
export function resolveClient(req: Request, trust: ((address: string, hop: number) => boolean) | undefined): ClientAddress {
  const socketAddress = req.socket?.remoteAddress ?? 'unknown';
  const proxied = PROXY_HEADERS.some((h) => req.headers[h] !== undefined);
  if (!trust) return { address: socketAddress, loopback: !proxied && isLoopbackAddress(socketAddress) };
  // [socket, then each X-Forwarded-For hop from the right that a trusted proxy vouches for]
  const chain = proxyaddr.all(req, trust);
  const address = chain.at(-1) ?? socketAddress;
  // A trusted proxy that sent no X-Forwarded-For (only Forwarded or X-Real-IP) leaves the client unknown.
  const fromProxy = chain.length > 1;
  return { address, loopback: isLoopbackAddress(address) && (fromProxy || !proxied) };
}

/** Adds the pre handler that works out every request's client (TRUSTED_PROXIES: `trusted`). */
export function installClientAddress(server: restify.Server, trusted: string[]): void {
  const trust = trusted.length ? compileTrustedProxies(trusted) : undefined;
  server.pre((req: Request, _res: Response, next: Next) => {
    known.set(req, resolveClient(req, trust));
    next();
  });
}

/** The request's client (as `installClientAddress` found it; without it, the socket's address, trusting no proxy). */
export function clientOf(req: Request): ClientAddress {
  let client = known.get(req);
  if (!client) {
    client = resolveClient(req, undefined);
    known.set(req, client);
  }
  return client;
}
