/**
 * Per-key request limits for the web chat endpoints. On the embedded store they are kept in memory
 * (one instance serves a data folder); on PostgreSQL every instance counts in one table, so a client
 * behind a load balancer gets the same limit however its requests are spread.
 */
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type pg from 'pg';

/** Counts requests per key and answers whether one more is allowed. */
export type RequestLimiter = RateLimiterAbstract;

/** At most `points` requests per key and minute (or `seconds`), in this process's memory. */
export function perMinute(points: number, seconds = 60): RequestLimiter {
  return new RateLimiterMemory({ points, duration: seconds });
}

/**
 * The table (migration 5) where every instance on one database counts. Its keys hold addresses, so
 * rows expired for an hour are deleted every five minutes (by the library, on a timer of each limit).
 */
export const RATE_LIMIT_TABLE = 'rate_limits';

/**
 * At most `points` requests per key and minute over every instance sharing `pool`'s database; the
 * keys of each limit start with `name`. Should the database not answer, this instance counts in
 * memory meanwhile (its requests would fail on the database anyway, with their own clear errors).
 */
export function sharedPerMinute(pool: pg.Pool, name: string, points: number, seconds = 60): RequestLimiter {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    // The table comes with the schema migrations, which are safe when several instances start at once.
    tableCreated: true,
    clearExpiredByTimeout: true,
    keyPrefix: name,
    points,
    duration: seconds,
    insuranceLimiter: perMinute(points, seconds),
  });
}

/** Counts one request for `key`: undefined when allowed, else the seconds to wait (Retry-After). */
export async function secondsToWait(limiter: RequestLimiter, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
  }
}
