import type { FieldError } from '../domain/errors.ts';
import { isPublicAddress, isNamedHost } from '../domain/webhook-url.ts';
import type { AppContext } from './context.ts';

/**
 * The DNS half of the submit-time WebHookURL rule: a host name that resolves to a private, loopback
 * or link-local address is refused like the address itself would be. A name whose addresses are
 * not known now (no DNS, a slow answer) passes: every delivery checks the address it connects to.
 */
export async function privateWebhookHostErrors(ctx: AppContext, webHookUrl: string | undefined): Promise<FieldError[]> {
  if (webHookUrl === undefined || ctx.settings.allowPrivateWebhooks || ctx.resolveWebhookHost === undefined) return [];
  const hostname = new URL(webHookUrl).hostname;
  if (!isNamedHost(hostname)) return [];
  const addresses = await ctx.resolveWebhookHost(hostname);
  if (addresses === undefined || addresses.every(isPublicAddress)) return [];
  // Not which address: that would map internal names for whoever asks.
  const message = `WebHookURL host ${hostname} resolves to an address that is not public (private, loopback or link-local).`;
  return [{ ErrorCode: 'WEBHOOK_URL_NOT_ALLOWED', FieldName: 'WebHookURL', Message: message }];
}
