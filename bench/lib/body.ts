import { SubmitPortingRequestBody } from '../../src/http/schemas/porting-request.ts';

/** The seed's example request body (the route schema's first example). */
export const exampleBody = structuredClone((SubmitPortingRequestBody as unknown as { examples: Record<string, unknown>[] }).examples[0]!) as {
  PortingNumbers: Record<string, unknown>[];
  [key: string]: unknown;
};

/**
 * Distinct valid geographic numbers, counting up from +61 2 9000 0000 (every +61 2 9xxx xxxx is a
 * valid Sydney fixed-line number, so there is room for 10,000,000).
 */
export function geographicNumber(i: number): string {
  if (i < 0 || i >= 10_000_000) throw new RangeError(`number index ${i} is outside +61 2 9000 0000 .. +61 2 9999 9999`);
  return `+612${90_000_000 + i}`;
}

/** The example body with its one number replaced (and optionally a WebHookURL). */
export function submitBody(number: string, webHookUrl?: string): string {
  const body: Record<string, unknown> = { ...exampleBody, PortingNumbers: [{ ...exampleBody.PortingNumbers[0], Number: number }] };
  if (webHookUrl !== undefined) body.WebHookURL = webHookUrl;
  return JSON.stringify(body);
}
