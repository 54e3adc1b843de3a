/**
 * Turns of one conversation run one at a time across every instance: each turn holds a PostgreSQL
 * advisory lock named by its conversation. The locks are taken on a separate small pool, so turns
 * waiting for a lock never use up the connections the turns themselves need for their state.
 *
 * When PostgreSQL goes away the turn fails (the person is told to try again) instead of waiting:
 * no connection, or a connection lost while waiting for the lock, fails the turn at once; a wait
 * that never ends (a server that stopped answering) fails after `waitMs`. A connection that failed
 * in any way is closed, never given back to the pool; closing it also drops the lock on the server.
 */
import type { Middleware, TurnContext } from 'botbuilder';
import type pg from 'pg';
import { explainPoolError } from './pool.js';

export interface TurnLockOptions {
  /** How long a turn waits for the lock (the previous turn of its conversation, or an answer) before it fails. */
  waitMs?: number;
}

/** Longer than any sound turn; the Bot Connector itself gives up on a turn after 15 s. */
const DEFAULT_WAIT_MS = 30_000;

export class TurnLockTimeoutError extends Error {
  override readonly name = 'TurnLockTimeoutError';
}

export class PgTurnLock implements Middleware {
  private readonly waitMs: number;

  constructor(
    private readonly lockPool: pg.Pool,
    options: TurnLockOptions = {},
  ) {
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const key = `${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`;
    const client = await this.lockPool.connect();
    let broken: Error | undefined;
    // The client is held for the whole turn: without a listener, losing its connection would end the process.
    const onError = (err: Error) => void (broken ??= err);
    client.on('error', onError);
    const done = () => {
      client.removeListener('error', onError);
      client.release(broken);
    };

    try {
      await this.bounded(client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]), 'waiting for the turn lock of this conversation');
    } catch (err) {
      // Lost, timed out or refused: this connection may yet get the lock, so it is closed, not reused.
      broken ??= err as Error;
      done();
      throw explainPoolError(this.lockPool, err);
    }

    let failure: { error: unknown } | undefined;
    try {
      await next();
    } catch (error) {
      failure = { error };
    }
    if (!broken) {
      try {
        await this.bounded(client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]), 'releasing the turn lock');
      } catch (err) {
        // Closing the connection (below) releases the lock with the session.
        broken = err as Error;
      }
    }
    done();
    // The turn's own error, never the lock's: a turn that went through is not failed afterwards
    // because the lock's connection was lost (the lock went with it).
    if (failure) throw failure.error;
  }

  private async bounded<T>(query: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new TurnLockTimeoutError(`${what}: no answer within ${this.waitMs / 1000} s`)), this.waitMs);
    });
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
      // A query abandoned on timeout fails when its connection is closed; nobody waits for it any more.
      query.catch(() => undefined);
    }
  }
}
