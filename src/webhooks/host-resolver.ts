/**
 * Resolves webhook host names for the submit-time check (api-contract.md §2: a WebHookURL that
 * resolves to a private address is refused). Answers are kept for a minute so a batch of submits
 * naming the same receiver costs one lookup; a lookup that fails or takes over two seconds answers
 * "unknown", and the delivery guard (guarded-lookup.ts) still checks every connection.
 */
import { lookup as dnsLookup } from 'node:dns/promises';

type Lookup = (hostname: string) => Promise<string[]>;

const systemLookup: Lookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface HostResolverOptions {
  lookup?: Lookup;
  ttlMs?: number;
  timeoutMs?: number;
  /** Names remembered at once; past it the oldest is forgotten. */
  maxEntries?: number;
  /**
   * Lookups in flight at once; past it a new name is "unknown". dns.lookup runs on libuv's four
   * threads, which deliveries' own lookups need too: slow names submitted in a burst must not take them all.
   */
  maxInFlight?: number;
  now?: () => number;
}

/** Every address the name resolves to, or undefined when that is not known now. */
export type HostResolver = (hostname: string) => Promise<string[] | undefined>;

export function cachedHostResolver(options: HostResolverOptions = {}): HostResolver {
  const { lookup = systemLookup, ttlMs = 60_000, timeoutMs = 2_000, maxEntries = 10_000, maxInFlight = 2, now = Date.now } = options;
  const cache = new Map<string, { addresses: Promise<string[] | undefined>; expiresMs: number }>();
  let inFlight = 0;
  return (hostname) => {
    const key = hostname.toLowerCase();
    const hit = cache.get(key);
    if (hit && hit.expiresMs > now()) return hit.addresses;
    if (inFlight >= maxInFlight) return Promise.resolve(undefined);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
      timer.unref();
    });
    inFlight += 1;
    const looked = lookup(key)
      .catch(() => undefined)
      .finally(() => (inFlight -= 1));
    const addresses = Promise.race([looked, timedOut]).finally(() => clearTimeout(timer));
    cache.set(key, { addresses, expiresMs: now() + ttlMs });
    // An unknown answer is not remembered: the next submit asks again.
    void addresses.then((found) => {
      if (found === undefined && cache.get(key)?.addresses === addresses) cache.delete(key);
    });
    return addresses;
  };
}
