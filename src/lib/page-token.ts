import { createHmac } from 'node:crypto';
import { secretsEqual } from './hashing.ts';

/**
 * Opaque, tamper-proof page tokens: the position (and what it is bound to) as base64url JSON,
 * followed by an HMAC. A token altered by the client, or used with other filters, is refused.
 */
export class PageTokens {
  constructor(private readonly key: string) {}

  encode(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The payload, or undefined when the token is malformed or was not signed by us. */
  decode(token: string): Record<string, unknown> | undefined {
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0 || !secretsEqual(signature, this.sign(body))) return undefined;
    try {
      const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', `page-token:${this.key}`).update(body).digest('base64url').slice(0, 32);
  }
}
