import { Agent, request } from 'undici';
import { checkWebhookUrl } from '../domain/webhook-url.ts';
import { guardedLookup } from './guarded-lookup.ts';

export interface SendResult {
  status: number | null;
  error: string | null;
  /** The first KB of the response body, kept with the attempt for debugging. */
  excerpt: string | null;
  retryAfter: string | null;
  durationMs: number;
}

/** How webhook POSTs leave the building; an interface so tests can substitute a fake. */
export type WebhookSender = (url: string, headers: Record<string, string>, body: string) => Promise<SendResult>;

export interface SenderOptions {
  allowPrivateNetworks: boolean;
  timeoutMs?: number;
  /** Bodies are read up to this many bytes, then the connection is dropped. */
  maxResponseBytes?: number;
}

const excerptBytes = 1024;

/**
 * POSTs with undici. Redirects are not followed (a 3xx is a failed attempt). The URL is checked
 * again before each send (IP literals never reach DNS) and every resolved address is checked at
 * connect time, so a hostname that re-resolves to a private address is refused.
 */
export function createHttpSender(options: SenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024;
  const agent = new Agent({
    connect: { lookup: guardedLookup({ allowPrivateNetworks: options.allowPrivateNetworks }), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return async (url, headers, body) => {
    const started = performance.now();
    const done = (partial: Omit<SendResult, 'durationMs'>): SendResult => ({ ...partial, durationMs: Math.round(performance.now() - started) });
    const check = checkWebhookUrl(url, { allowPrivateNetworks: options.allowPrivateNetworks });
    if (!check.ok) return done({ status: null, error: `refused: ${check.message}`, excerpt: null, retryAfter: null });
    try {
      const response = await request(url, { method: 'POST', headers, body, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
      const chunks: Buffer[] = [];
      let read = 0;
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        chunks.push(buffer);
        read += buffer.length;
        if (read >= maxBytes) {
          response.body.destroy();
          break;
        }
      }
      const retryAfter = response.headers['retry-after'];
      return done({
        status: response.statusCode,
        error: null,
        excerpt: Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8'),
        retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
      });
    } catch (error) {
      const e = error as { code?: string; message?: string; name?: string };
      const reason = e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' ? `timed out after ${timeoutMs} ms` : `${e.code ?? 'ERROR'}: ${e.message ?? String(error)}`;
      return done({ status: null, error: reason.slice(0, 500), excerpt: null, retryAfter: null });
    }
  };
}
