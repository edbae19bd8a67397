/**
 * A request that stops arriving (a Content-Length longer than what is sent, a client that hangs
 * mid-body) is answered 408 and closed once the limit has passed; Fastify's default is no limit,
 * and such a request held its connection open indefinitely. Node checks every connection against
 * the limit at this interval (its default is 30 s, which would let a request run up to twice the
 * limit).
 */
export const defaultRequestTimeoutMs = 30_000;
const timeoutCheckMs = 1_000;

/** Node's server options that hold every request, headers and body, to `requestTimeoutMs`. */
export function requestTimeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    // Node 20 did not enforce the request limit while the headers' own (60 s) was longer (a request
    // whose body stopped was still open after 5 s with a 1 s limit), so that one is capped too.
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(timeoutCheckMs, requestTimeoutMs),
  };
}
