/**
 * The PostgreSQL connection pools. When PostgreSQL goes away, a lost connection never crashes the
 * process, is never handed out again, and every failure says what happened and what to do (without
 * the password of DATABASE_URL); when it comes back, the next query simply connects anew.
 */
import pg from 'pg';
import { databaseTarget, explainConnectionFailure } from './connection-errors.js';

/** How long a new connection may take before it counts as failed. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * A pg.Pool whose connection failures say what happened and what to do (see connection-errors.ts):
 * from connect(), from query(), and so from every store and the readiness check built on them.
 */
class ExplainingPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    /** host:port/database, for messages; never the password. */
    readonly target: string,
  ) {
    super(config);
  }

  explain(err: unknown): unknown {
    return explainConnectionFailure(err, this.target, this.options.connectionTimeoutMillis);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    // pg-pool's own query() calls connect with a callback; the stores and transactions call it without.
    if (callback) return super.connect((err, client, done) => callback(err ? (this.explain(err) as Error) : err, client, done));
    return super.connect().catch((err: unknown) => Promise.reject(this.explain(err)));
  }

  // pg.Pool#query has seven overloads; every one ends in either a callback or a promise.
  override query(...args: any[]): any {
    const last: unknown = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | undefined, result: unknown) => (last as (e: unknown, r: unknown) => void)(err ? this.explain(err) : err, result);
      return (super.query as (...a: unknown[]) => unknown).apply(this, args);
    }
    const result = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(this.explain(err))) : result;
  }
}

/**
 * A pool that survives PostgreSQL going away and coming back: a lost connection never crashes the
 * process (idle or checked out), it is closed rather than reused, and the next query connects anew.
 */
export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new ExplainingPool({ connectionString, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true, keepAliveInitialDelayMillis: 10_000 }, databaseTarget(connectionString));
  // An idle client losing its connection (the server restarts): the pool drops it; nothing to do.
  pool.on('error', () => undefined);
  // A checked-out client losing its connection emits 'error' too, and an 'error' event nobody listens
  // to ends the process. Whoever holds the client sees its next query fail, and the pool closes it
  // when it comes back (pg-pool checks that it is still queryable).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * For a connection failure, the error as createPool's pools explain it (what happened, what to do);
 * any other error unchanged. For code that holds a client and queries it directly.
 */
export function explainPoolError(pool: pg.Pool, err: unknown): unknown {
  return pool instanceof ExplainingPool ? pool.explain(err) : err;
}

/** One round trip: resolves when PostgreSQL answers, rejects with an explained error when not. */
export async function ping(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
