/**
 * Which webhook URLs and addresses we may talk to (SSRF rules). A customer-supplied URL must not make
 * us talk to our own network (loopback, private ranges, cloud metadata at 169.254.169.254, ...).
 *  - checkWebhookUrl: syntax and IP-literal checks, without DNS; run at submit time and before every send;
 *  - isPublicAddress: the address rule that webhooks/guarded-lookup.ts applies to every resolved address.
 * Node's net.connect does not call `lookup` when the host is already an IP literal, so the delivery path
 * must run checkWebhookUrl again before each request; the lookup guard alone does not cover literals.
 */
import ipaddr from 'ipaddr.js';

const MAX_URL_LENGTH = 2048;

function isPublicV4(addr: ipaddr.IPv4): boolean {
  // ipaddr.js names every special-purpose block (private, loopback, link-local, CGNAT, 0/8, multicast,
  // broadcast, documentation, benchmarking, 240/4, ...); only the remainder is ordinary unicast.
  return addr.range() === 'unicast';
}

/** The IPv4 address in bits [offset, offset + 32) of a v6 address. */
function embeddedV4(addr: ipaddr.IPv6, offsetBits: number): ipaddr.IPv4 {
  const bytes = addr.toByteArray().slice(offsetBits / 8, offsetBits / 8 + 4);
  return new ipaddr.IPv4(bytes);
}

function isPublicV6(addr: ipaddr.IPv6): boolean {
  // A zone id (fe80::1%eth0) only makes sense for scoped, non-global addresses.
  if (addr.zoneId !== undefined) return false;
  switch (addr.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d, the OS connects to a.b.c.d over IPv4
    case 'rfc6145': // ::ffff:0:a.b.c.d, IPv4-translated
      return isPublicV4(embeddedV4(addr, 96));
    case 'rfc6052':
      // Only the well-known NAT64 prefix 64:ff9b::/96 says where the v4 sits; the local-use
      // 64:ff9b:1::/48 is network-specific, so we cannot tell what it reaches: refuse.
      return addr.match(ipaddr.IPv6.parseCIDR('64:ff9b::/96')) && isPublicV4(embeddedV4(addr, 96));
    case '6to4': // 2002:AABB:CCDD::/48 routes to relay a.b.c.d
      return isPublicV4(embeddedV4(addr, 16));
    case 'teredo': {
      // 2001:0:SERVER:flags:port:CLIENT, the client address bit-inverted; both ends must be public.
      const client = embeddedV4(addr, 96).toByteArray().map((b) => b ^ 0xff);
      return isPublicV4(embeddedV4(addr, 32)) && isPublicV4(new ipaddr.IPv4(client));
    }
    case 'unicast':
      // Outside the named blocks, only 2000::/3 is allocated global unicast; the rest (e.g. the
      // deprecated IPv4-compatible ::a.b.c.d) is unassigned or obsolete, so refuse it.
      return addr.match(ipaddr.IPv6.parseCIDR('2000::/3'));
    default:
      // loopback, unspecified, linkLocal, uniqueLocal, multicast, site-local, discard, documentation, ...
      return false;
  }
}

/**
 * True when an IP literal (v4 or v6, in any form ipaddr.js parses, optionally in [brackets]) is a public
 * unicast address. Anything unparseable is not.
 */
export function isPublicAddress(ip: string): boolean {
  const literal = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(literal);
  } catch {
    return false;
  }
  return addr.kind() === 'ipv4' ? isPublicV4(addr as ipaddr.IPv4) : isPublicV6(addr as ipaddr.IPv6);
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; message: string };

/** An IP literal as WHATWG URL leaves it in `hostname`: v6 in brackets, v4 always normalised to dotted. */
function isIpLiteralHost(hostname: string): boolean {
  return hostname.startsWith('[') || ipaddr.IPv4.isValidFourPartDecimal(hostname);
}

/** A URL hostname that is a name to resolve, not an IP literal. */
export function isNamedHost(hostname: string): boolean {
  return hostname !== '' && !isIpLiteralHost(hostname);
}

/**
 * Spaces and control characters. The URL parser drops tabs and line feeds without a word, so a URL
 * holding one was stored as sent while another was called.
 */
const unsafeCharacters = /[\u0000-\u0020\u007f]/;

/**
 * Why a WebHookURL is refused as written, before what it points at is judged: only at submit. (The
 * sender judges stored URLs by where they point, so one stored before this rule still delivers.)
 */
export function malformedUrlMessage(raw: string): string | undefined {
  if (unsafeCharacters.test(raw)) return 'URL must not contain spaces or control characters (percent-encode them)';
  if (!URL.canParse(raw)) return 'URL must be absolute, e.g. https://example.com/hooks';
  return undefined;
}

/**
 * Submit-time URL rules, no DNS: absolute, https (http only with allowPrivateNetworks), no userinfo,
 * a host; IP literals must be public and localhost names are refused, unless allowPrivateNetworks.
 */
export function checkWebhookUrl(raw: string, opts: { allowPrivateNetworks: boolean }): UrlCheck {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, message: `URL is longer than ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'URL must be absolute, e.g. https://example.com/hooks' };
  }
  const httpAllowed = opts.allowPrivateNetworks && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !httpAllowed) return { ok: false, message: 'URL must use https' };
  // Credentials in the URL would be stored and logged in clear; they also hide the real host from readers.
  if (url.username !== '' || url.password !== '') return { ok: false, message: 'URL must not contain user:password@' };
  if (url.hostname === '') return { ok: false, message: 'URL must have a host' };
  if (opts.allowPrivateNetworks) return { ok: true, url };

  if (isIpLiteralHost(url.hostname)) {
    if (!isPublicAddress(url.hostname)) {
      return { ok: false, message: `URL host ${url.hostname} is not a public address` };
    }
    return { ok: true, url };
  }
  // A trailing dot is the same name ("localhost." resolves like "localhost").
  const name = url.hostname.replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return { ok: false, message: `URL host ${url.hostname} is not allowed` };
  }
  return { ok: true, url };
}
