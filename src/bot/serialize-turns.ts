/**
 * Turns of one conversation run one at a time within this process, in arrival order, so a double
 * click never loses an answer (BotState writes with eTag "*", last writer wins). Across instances
 * on PostgreSQL, the turn lock (src/storage/postgres/pg-turn-lock.ts) does the same, and uses this
 * for its own turns on one instance.
 */
import { Mutex } from 'async-mutex';
import type { Middleware, TurnContext } from 'botbuilder';

export function conversationKey(context: TurnContext): string {
  return `${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`;
}

export class SerializeTurns implements Middleware {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const key = conversationKey(context);
    let entry = this.locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users += 1;
    try {
      await entry.mutex.runExclusive(next);
    } finally {
      entry.users -= 1;
      if (entry.users === 0) this.locks.delete(key);
    }
  }

  /** Conversations with a turn running or waiting (for tests and diagnostics). */
  get active(): number {
    return this.locks.size;
  }
}
