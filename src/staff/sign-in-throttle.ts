/**
 * Sign-in throttling, per account and per network address, with exponential backoff: a few failed
 * passwords are free; after them each further failure locks that account (or address) for 1 s, then
 * 2, 4, 8 … up to 15 minutes. While locked, a sign-in is answered 429 with Retry-After before any
 * password is checked (so guessing also stops costing Argon2 time). The failures are counted for a
 * window (a day per account, an hour per address) that a successful sign-in to the account ends.
 *
 * Counted with rate-limiter-flexible: in memory on the embedded store, in PostgreSQL's rate_limits
 * table (every instance together) with DATABASE_URL.
 */
import type { RequestLimiter } from '../directline/rate-limit.js';

export interface ThrottleRule {
  /** Failures before the first lockout. */
  free: number;
  /** How long failures are counted. */
  windowSeconds: number;
}

/** A person mistyping gets five tries; an office behind one address thirty an hour. */
export const ACCOUNT_RULE: ThrottleRule = { free: 5, windowSeconds: 24 * 3600 };
export const ADDRESS_RULE: ThrottleRule = { free: 30, windowSeconds: 3600 };
export const MAX_LOCK_SECONDS = 15 * 60;

/** Seconds of lockout after the `failures`-th failure under `rule` (0 while still free). */
export function lockSeconds(failures: number, rule: ThrottleRule): number {
  if (failures <= rule.free) return 0;
  return Math.min(MAX_LOCK_SECONDS, 2 ** Math.min(failures - rule.free - 1, 20));
}

export type LimiterFactory = (name: string, points: number, seconds: number) => RequestLimiter;

/** Whose sign-ins a lockout holds back. */
export type ThrottleKind = 'account' | 'address';

export interface FailureOutcome {
  /** The kinds whose lockout this failure began (the first lockout of the window). */
  lockoutBegan: ThrottleKind[];
  /** Failures of the account in its window, this one included. */
  accountFailures: number;
}

/** More than anyone can fail in a window: the failure counter never refuses by itself. */
const UNLIMITED = 1_000_000_000;

export class SignInThrottle {
  private readonly failures: Record<ThrottleKind, RequestLimiter>;
  private readonly locks: Record<ThrottleKind, RequestLimiter>;
  private readonly rules: Record<ThrottleKind, ThrottleRule>;

  constructor(
    limiter: LimiterFactory,
    rules: Record<ThrottleKind, ThrottleRule> = { account: ACCOUNT_RULE, address: ADDRESS_RULE },
    /** Told of every refused sign-in, for monitoring: a wrong password, or an attempt while locked out. */
    private readonly onRefused: (reason: 'password' | 'locked') => void = () => undefined,
  ) {
    this.rules = rules;
    this.failures = {
      account: limiter('signin-fail-account', UNLIMITED, rules.account.windowSeconds),
      address: limiter('signin-fail-address', UNLIMITED, rules.address.windowSeconds),
    };
    this.locks = {
      account: limiter('signin-lock-account', 1, MAX_LOCK_SECONDS),
      address: limiter('signin-lock-address', 1, MAX_LOCK_SECONDS),
    };
  }

  /** Seconds until a sign-in for this account from this address may be tried, or undefined when it may now. */
  async wait(account: string, address: string): Promise<number | undefined> {
    const [a, b] = await Promise.all([this.locks.account.get(account), this.locks.address.get(address)]);
    const ms = Math.max(a && a.consumedPoints > 1 ? a.msBeforeNext : 0, b && b.consumedPoints > 1 ? b.msBeforeNext : 0);
    if (ms > 0) this.onRefused('locked');
    return ms > 0 ? Math.ceil(ms / 1000) : undefined;
  }

  /** Counts a failed sign-in and locks what has failed too often. */
  async failed(account: string, address: string): Promise<FailureOutcome> {
    this.onRefused('password');
    const keys: Record<ThrottleKind, string> = { account, address };
    const lockoutBegan: ThrottleKind[] = [];
    const counts = { account: 0, address: 0 };
    for (const kind of ['account', 'address'] as const) {
      const counted = await this.failures[kind].consume(keys[kind]);
      counts[kind] = counted.consumedPoints;
      const seconds = lockSeconds(counted.consumedPoints, this.rules[kind]);
      if (seconds > 0) {
        await this.locks[kind].block(keys[kind], seconds);
        if (counted.consumedPoints === this.rules[kind].free + 1) lockoutBegan.push(kind);
      }
    }
    return { lockoutBegan, accountFailures: counts.account };
  }

  /** A successful sign-in ends the account's count (the address keeps its own). */
  async succeeded(account: string): Promise<void> {
    await Promise.all([this.failures.account.delete(account), this.locks.account.delete(account)]);
  }
}
