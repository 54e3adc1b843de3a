/**
 * Turns of one conversation run one at a time across every instance: each turn holds a PostgreSQL
 * advisory lock named by its conversation. The locks are taken on a separate small pool, so turns
 * waiting for a lock never use up the connections the turns themselves need for their state.
 */
import type { Middleware, TurnContext } from 'botbuilder';
import type pg from 'pg';

export class PgTurnLock implements Middleware {
  constructor(private readonly lockPool: pg.Pool) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const key = `${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`;
    const client = await this.lockPool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        await next();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      client.release();
    }
  }
}
