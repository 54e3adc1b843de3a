/** Per-key request limits for the web chat endpoints (in memory, per instance). */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** At most `perMinute` requests per key and minute. */
export function perMinute(points: number): RateLimiterMemory {
  return new RateLimiterMemory({ points, duration: 60 });
}

/** Counts one request for `key`: undefined when allowed, else the seconds to wait (Retry-After). */
export async function secondsToWait(limiter: RateLimiterMemory, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
  }
}
