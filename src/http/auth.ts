import type { FastifyReply, FastifyRequest } from 'fastify';
import { secretsEqual } from '../lib/hashing.ts';
import { DomainError } from '../domain/errors.ts';
import type { LoginThrottle } from './login-throttle.ts';

export const authRealm = 'Portline';

/** Who a request acts as: one account (HTTP Basic) or the porting desk (Bearer operator token). */
export type Principal = { kind: 'account'; accountSid: string } | { kind: 'operator' };

export type AuthMode = 'account' | 'operator' | 'none';

export class AuthError extends DomainError {
  constructor(message: string, readonly challenge: 'Basic' | 'Bearer') {
    super('UNAUTHORIZED', message);
  }
}

export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // No AccountSid or token contains NUL, and PostgreSQL refuses it as a query parameter.
  if (colon < 0 || decoded.includes('\u0000')) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function parseBearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

export interface Authenticators {
  account: (accountSid: string, token: string) => Promise<boolean>;
  operatorToken: string | undefined;
  throttle: LoginThrottle;
}

export class ThrottledError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many failed logins; retry after the time in Retry-After.');
  }
}

/** Resolves the principal for a route's auth mode, or throws AuthError (401 with a challenge). */
export async function authenticateRequest(request: FastifyRequest, mode: AuthMode, auth: Authenticators): Promise<Principal | undefined> {
  if (mode === 'none') return undefined;
  const header = request.headers.authorization;
  const address = request.ip;
  const operatorRefusal = 'A valid operator token is required (Authorization: Bearer).';
  const accountRefusal = 'Valid credentials are required: HTTP Basic with your AccountSid and auth token.';
  // A request with no credentials at all is the normal first leg of the challenge, not a guess: it
  // is never counted, and gets its challenge even from a throttled address (the official Java
  // client sends credentials only after one).
  if (header === undefined) throw mode === 'operator' ? new AuthError(operatorRefusal, 'Bearer') : new AuthError(accountRefusal, 'Basic');
  if (mode === 'operator') {
    const token = parseBearer(header);
    refuseIfThrottled(auth, address, undefined);
    if (auth.operatorToken === undefined || token === undefined || !secretsEqual(token, auth.operatorToken)) {
      auth.throttle.recordFailure(address, undefined);
      throw new AuthError(operatorRefusal, 'Bearer');
    }
    return { kind: 'operator' };
  }
  const credentials = parseBasic(header);
  const accountSid = credentials?.user || undefined;
  refuseIfThrottled(auth, address, accountSid);
  if (!credentials || accountSid === undefined || !(await auth.account(accountSid, credentials.password))) {
    auth.throttle.recordFailure(address, accountSid);
    throw new AuthError(accountRefusal, 'Basic');
  }
  return { kind: 'account', accountSid };
}

function refuseIfThrottled(auth: Authenticators, address: string, accountSid: string | undefined): void {
  const wait = auth.throttle.retryAfterSeconds(address, accountSid);
  if (wait !== undefined) throw new ThrottledError(wait);
}

export function sendChallenge(reply: FastifyReply, challenge: 'Basic' | 'Bearer'): void {
  reply.header('WWW-Authenticate', `${challenge} realm="${authRealm}"`);
}

/** The account a route acts for; routes with auth 'account' always have one. */
export function accountOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind !== 'account') throw new AuthError('Account credentials are required.', 'Basic');
  return principal.accountSid;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}
