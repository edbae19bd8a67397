/**
 * The DNS half of the SSRF guard: every address a webhook host resolves to is checked at connect
 * time, i.e. the very address the socket connects to, so a hostname that re-resolves to 127.0.0.1
 * after submission (DNS rebinding) is caught.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isPublicAddress } from '../domain/webhook-url.ts';

type LookupFn = typeof import('node:dns').lookup;
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function refusal(hostname: string, address: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(
    `refusing to connect to ${address} (resolved from ${hostname}): not a public address`,
  );
  err.code = 'EADDRNOTALLOWED';
  return Object.assign(err, { hostname, address });
}

/**
 * A dns.lookup replacement for net.connect / undici's `connect: { lookup }` that fails with
 * EADDRNOTALLOWED when ANY resolved address is not public. It always resolves all addresses, so a name
 * with one public and one private record is refused whichever record the caller would have picked.
 */
export function guardedLookup(opts: { allowPrivateNetworks: boolean; resolve?: LookupFn }): LookupFn {
  const resolve = opts.resolve ?? dnsLookup;
  if (opts.allowPrivateNetworks) return resolve;

  function lookup(hostname: string, optionsOrCallback: unknown, maybeCallback?: unknown): void {
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as LookupCallback;
    // dns.lookup's overloads: (host, cb), (host, family, cb), (host, options, cb).
    const options: LookupOptions =
      typeof optionsOrCallback === 'number'
        ? { family: optionsOrCallback }
        : typeof optionsOrCallback === 'object' && optionsOrCallback !== null
          ? (optionsOrCallback as LookupOptions)
          : {};
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '');
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(refusal(hostname, refused.address), options.all ? [] : '');
      if (options.all) return callback(null, addresses);
      // Without `all`, dns.lookup answers with the first address of the same list.
      const first = addresses[0];
      if (!first) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, '');
      }
      return callback(null, first.address, first.family);
    });
  }
  // The overloaded, namespaced type of dns.lookup cannot be written as one implementation signature;
  // the runtime dispatch above covers all of its call forms.
  return lookup as unknown as LookupFn;
}
