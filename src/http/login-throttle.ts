/**
 * Slows down credential guessing. Failed logins are counted per client address and per
 * AccountSid in a fixed window. An address over its limit is refused (429) before any check.
 * An AccountSid over its limit is refused only for addresses that have themselves failed on it,
 * so someone hammering another tenant's AccountSid cannot lock its rightful owner out; and every
 * block ends with its window, never permanently.
 */
export interface ThrottleLimits {
  windowMs: number;
  perAddress: number;
  perAccount: number;
}

export const defaultThrottleLimits: ThrottleLimits = { windowMs: 5 * 60_000, perAddress: 30, perAccount: 100 };

interface Window {
  count: number;
  resetMs: number;
}

/** Addresses and AccountSids remembered at once. */
export const maxKeys = 50_000;

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: ThrottleLimits = defaultThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait when this attempt must be refused, else undefined. */
  retryAfterSeconds(address: string, accountSid: string | undefined): number | undefined {
    const byAddress = this.live(`ip:${address}`);
    if (byAddress && byAddress.count >= this.limits.perAddress) return this.secondsLeft(byAddress);
    if (accountSid === undefined) return undefined;
    const byAccount = this.live(`sid:${accountSid}`);
    if (byAccount && byAccount.count >= this.limits.perAccount && this.live(`pair:${address}:${accountSid}`)) return this.secondsLeft(byAccount);
    return undefined;
  }

  recordFailure(address: string, accountSid: string | undefined): void {
    this.bump(`ip:${address}`);
    if (accountSid !== undefined) {
      this.bump(`sid:${accountSid}`);
      this.bump(`pair:${address}:${accountSid}`);
    }
  }

  private live(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetMs <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private bump(key: string): void {
    const window = this.live(key);
    if (window) window.count += 1;
    else {
      if (this.windows.size >= maxKeys) this.makeRoom();
      this.windows.set(key, { count: 1, resetMs: this.now() + this.limits.windowMs });
    }
  }

  /**
   * Forgets what blocks nobody: ended windows, counts under their limit, and the address marks of
   * an AccountSid (anyone can add those, one per address, for an AccountSid they blocked
   * themselves). Clearing everything instead let anyone with enough addresses (one IPv6 /64 has
   * plenty) lift every block by failing from 50,000 of them. If blocks alone fill the table, the
   * oldest tenth goes: they are the nearest to ending anyway.
   */
  private makeRoom(): void {
    const now = this.now();
    for (const [key, window] of this.windows) {
      if (window.resetMs <= now || !this.blocks(key, window)) this.windows.delete(key);
    }
    if (this.windows.size < maxKeys * 0.9) return;
    let oldest = Math.ceil(maxKeys / 10);
    for (const key of this.windows.keys()) {
      if (oldest-- <= 0) break;
      this.windows.delete(key);
    }
  }

  private blocks(key: string, window: Window): boolean {
    if (key.startsWith('ip:')) return window.count >= this.limits.perAddress;
    if (key.startsWith('sid:')) return window.count >= this.limits.perAccount;
    return false;
  }

  private secondsLeft(window: Window): number {
    return Math.max(1, Math.ceil((window.resetMs - this.now()) / 1000));
  }
}
